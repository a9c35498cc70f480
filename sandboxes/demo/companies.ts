/**
 * Companies: Salesforce Accounts and HubSpot companies, most of them in both CRMs with the conflicts a
 * company record really collects (legal suffix only on one side, phone formats, abbreviated addresses,
 * a head count updated on one side only). Prospect companies exist only as the Company text of Leads.
 */
import type { GeneratorContext } from './context.ts';
import { type AddressStyle, PLAIN_ADDRESS_STYLE, type PhoneStyle, formatAddress, formatPhone, variantAddressStyle } from './formats.ts';
import type { CompanyConflict, CompanyView, Crm, DemoCompany, Presence, RecordClock } from './model.ts';
import { COMPANY_STEMS, COMPANY_TLD, type CountryCode, INDUSTRIES, type Industry, LEGAL_SUFFIXES } from './places.ts';

/** Share of companies per presence: most are in both CRMs (the sales team and marketing share accounts). */
const COMPANY_PRESENCE_SHARES: readonly (readonly [Presence, number])[] = [['both', 0.8], ['salesforce', 0.12], ['hubspot', 0.08]];

export function buildCompanies(ctx: GeneratorContext, count: number, prospectCount: number): { companies: DemoCompany[]; prospects: DemoCompany[] } {
  const namer = new CompanyNamer(ctx);
  const presences = presenceList(ctx, count);
  const companies = presences.map((presence, i) => {
    // The first company is always "Acme" in the US: the README's walk-through and the brief's examples use it.
    const company = i === 0
      ? namer.make('both', { stem: 'Acme', word: '', industry: INDUSTRIES[0] as Industry, country: 'US', suffix: 'Inc.' })
      : namer.make(presence);
    renderCompanyViews(ctx, company, i === 0);
    return company;
  });
  const prospects = Array.from({ length: prospectCount }, () => namer.make('prospect'));
  return { companies, prospects };
}

function presenceList(ctx: GeneratorContext, count: number): Presence[] {
  const [, [, sfShare], [, hsShare]] = COMPANY_PRESENCE_SHARES as [unknown, [Presence, number], [Presence, number]];
  const sfOnly = Math.round(count * sfShare);
  const hsOnly = Math.round(count * hsShare);
  const list: Presence[] = [
    ...Array<Presence>(count - sfOnly - hsOnly).fill('both'),
    ...Array<Presence>(sfOnly).fill('salesforce'),
    ...Array<Presence>(hsOnly).fill('hubspot'),
  ];
  // The first company (Acme) stays in both CRMs; the rest are mixed.
  const [first, ...rest] = list;
  return first === undefined ? [] : [first, ...ctx.rng.shuffle(rest)];
}

interface NameChoice {
  stem: string;
  word: string;
  industry: Industry;
  country: CountryCode;
  suffix?: string;
}

class CompanyNamer {
  private readonly used = new Set<string>();
  private serial = 0;

  constructor(private readonly ctx: GeneratorContext) {}

  make(presence: DemoCompany['presence'], forced?: NameChoice): DemoCompany {
    const { rng } = this.ctx;
    const choice = forced ?? this.choose();
    const brand = choice.word ? `${choice.stem} ${choice.word}` : choice.stem;
    this.used.add(brand);
    const city = this.ctx.cityIn(choice.country);
    const employees = Math.round(10 ** (1 + rng.next() * 3.3));
    return {
      key: `${presence === 'prospect' ? 'prospect' : 'company'}-${String(++this.serial).padStart(3, '0')}`,
      presence,
      brand,
      legalName: `${brand} ${choice.suffix ?? rng.pick(LEGAL_SUFFIXES[choice.country])}`,
      domain: brand.toLowerCase().replace(/[^a-z0-9]/g, '') + COMPANY_TLD[choice.country],
      industry: choice.industry,
      employees,
      annualRevenue: Math.max(1, Math.round((employees * rng.int(80, 260)) / 100)) * 100_000,
      mainPhone: this.ctx.phoneIn(city),
      address: this.ctx.addressIn(city, rng.chance(0.5)),
      weight: rng.weighted([[1, 3], [2, 3], [4, 2], [7, 1]]),
      views: {},
      conflicts: [],
    };
  }

  private choose(): NameChoice {
    const { rng } = this.ctx;
    for (;;) {
      const industry = rng.pick(INDUSTRIES);
      const choice: NameChoice = {
        stem: rng.pick(COMPANY_STEMS),
        word: rng.pick(industry.words),
        industry,
        country: rng.weighted([['US', 75], ['GB', 15], ['DE', 10]] as const),
      };
      const brand = choice.word ? `${choice.stem} ${choice.word}` : choice.stem;
      // One company per stem while stems last, so "Acme" and "Acme Health" never confuse a viewer of a small set.
      const stemTaken = [...this.used].some((b) => b.split(' ')[0] === choice.stem);
      if (!this.used.has(brand) && (!stemTaken || this.used.size >= COMPANY_STEMS.length)) return choice;
    }
  }
}

/** `showcase` pins the brief's example on Acme: 'Acme Inc.' in Salesforce, plain 'Acme' in HubSpot. */
function renderCompanyViews(ctx: GeneratorContext, company: DemoCompany, showcase: boolean): void {
  const { rng } = ctx;
  const country = company.address.city.country;
  const sfPhoneStyle: PhoneStyle = country === 'US' ? 'paren' : 'national';
  if (company.presence !== 'both') {
    const crm = company.presence as Crm;
    const style: PhoneStyle = crm === 'salesforce' ? sfPhoneStyle : rng.pick(['intl-spaced', 'e164'] as const);
    company.views[crm] = companyView(ctx, company, crm, ctx.clock(), { name: company.legalName, phoneStyle: style, addressStyle: PLAIN_ADDRESS_STYLE, employees: company.employees });
    return;
  }
  const conflicts: CompanyConflict[] = [];
  const newerSide: Crm = rng.chance(0.5) ? 'salesforce' : 'hubspot';
  const { older, newer } = ctx.clockPair();
  // HubSpot auto-names companies from their domain, so the bare brand there is the common case.
  const hsName = rng.chance(0.7) || showcase ? company.brand : company.legalName;
  if (hsName !== company.legalName) conflicts.push('name-suffix');
  const hsPhoneStyle: PhoneStyle = rng.chance(0.6) ? rng.pick(['intl-spaced', 'e164'] as const) : sfPhoneStyle;
  if (formatPhone(company.mainPhone, hsPhoneStyle) !== formatPhone(company.mainPhone, sfPhoneStyle)) conflicts.push('phone-format');
  let sfAddress: AddressStyle = PLAIN_ADDRESS_STYLE;
  let hsAddress: AddressStyle = PLAIN_ADDRESS_STYLE;
  if (rng.chance(0.4)) {
    conflicts.push('address-abbreviation');
    if (rng.chance(0.5)) sfAddress = { ...variantAddressStyle(rng, PLAIN_ADDRESS_STYLE), unitOnNewLine: true };
    else hsAddress = variantAddressStyle(rng, PLAIN_ADDRESS_STYLE);
  }
  // A head count updated on one side only: the newer side holds the current figure.
  let staleEmployees = company.employees;
  if (rng.chance(0.3)) {
    conflicts.push('employee-count');
    staleEmployees = Math.max(1, Math.round(company.employees * (1 - rng.int(5, 15) / 100)));
  }
  const clockOf = (crm: Crm): RecordClock => (crm === newerSide ? newer : older);
  const employeesOf = (crm: Crm) => (crm === newerSide ? company.employees : staleEmployees);
  company.views.salesforce = companyView(ctx, company, 'salesforce', clockOf('salesforce'), {
    name: company.legalName, phoneStyle: sfPhoneStyle, addressStyle: sfAddress, employees: employeesOf('salesforce'),
  });
  company.views.hubspot = companyView(ctx, company, 'hubspot', clockOf('hubspot'), {
    name: hsName, phoneStyle: hsPhoneStyle, addressStyle: hsAddress, employees: employeesOf('hubspot'),
  });
  company.conflicts = conflicts;
}

function companyView(
  ctx: GeneratorContext,
  company: DemoCompany,
  crm: Crm,
  clock: RecordClock,
  v: { name: string; phoneStyle: PhoneStyle; addressStyle: AddressStyle; employees: number },
): CompanyView {
  return {
    ...clock,
    id: crm === 'salesforce' ? ctx.salesforceIds.next('Account') : ctx.hubspotId('company'),
    name: v.name,
    website: crm === 'salesforce' ? `https://www.${company.domain}` : `${company.domain}`,
    phone: formatPhone(company.mainPhone, v.phoneStyle),
    employees: v.employees,
    annualRevenue: company.annualRevenue,
    address: formatAddress(company.address, v.addressStyle),
  };
}
