/**
 * Name and job data for the demo people. Kept apart from the generator so the lists can grow without touching
 * logic. Diverse on purpose (the demo is watched by customers everywhere) and with the two kinds of names that
 * make identity matching hard: formal names with common nicknames, and names with diacritics.
 */

/** Formal first name → the nickname people type into web forms. */
export const FIRST_NAMES_WITH_NICKNAMES: readonly (readonly [string, string])[] = [
  ['Robert', 'Bob'], ['William', 'Bill'], ['Elizabeth', 'Liz'], ['Katherine', 'Kate'], ['Michael', 'Mike'],
  ['Jennifer', 'Jen'], ['Alexander', 'Alex'], ['Margaret', 'Maggie'], ['Richard', 'Rick'], ['James', 'Jim'],
  ['Thomas', 'Tom'], ['Christopher', 'Chris'], ['Daniel', 'Dan'], ['Jonathan', 'Jon'], ['Nicholas', 'Nick'],
  ['Samantha', 'Sam'], ['Patricia', 'Pat'], ['Rebecca', 'Becky'], ['Anthony', 'Tony'], ['Joseph', 'Joe'],
  ['Benjamin', 'Ben'], ['Matthew', 'Matt'], ['Steven', 'Steve'], ['Susan', 'Sue'], ['Timothy', 'Tim'],
  ['Edward', 'Ted'], ['Victoria', 'Vicky'], ['Alejandro', 'Alex'], ['Francisco', 'Paco'], ['Giuseppe', 'Beppe'],
  ['Johannes', 'Hannes'], ['Abigail', 'Abby'], ['Gregory', 'Greg'], ['Kimberly', 'Kim'], ['Andrew', 'Andy'],
  ['Charlotte', 'Charlie'], ['Frederick', 'Fred'], ['Theodore', 'Theo'], ['Dorothea', 'Thea'], ['Ekaterina', 'Katya'],
];

export const ACCENTED_FIRST_NAMES: readonly string[] = [
  'José', 'Zoë', 'Chloé', 'Renée', 'Søren', 'Björn', 'Jürgen', 'François', 'Inés', 'Noémie', 'Andrés',
  'Mónica', 'Ramón', 'Raphaël', 'Hélène', 'Jörg', 'Łukasz', 'Márta', 'Şebnem', 'Ángel', 'Anaïs', 'Jérôme',
];

export const PLAIN_FIRST_NAMES: readonly string[] = [
  'Ada', 'Priya', 'Wei', 'Aisha', 'Kwame', 'Chidi', 'Yuki', 'Haruto', 'Fatima', 'Omar', 'Mateo', 'Sofia',
  'Lucas', 'Emma', 'Olivia', 'Noah', 'Liam', 'Ava', 'Mia', 'Ethan', 'Isabella', 'Arjun', 'Ananya', 'Mei',
  'Jin', 'Min-jun', 'Seo-yeon', 'Ngozi', 'Tunde', 'Amara', 'Lars', 'Ingrid', 'Freya', 'Finn', 'Sven', 'Hannah',
  'Leon', 'Lena', 'Felix', 'Clara', 'Marco', 'Giulia', 'Luca', 'Elena', 'Dmitri', 'Olga', 'Anya', 'Kofi',
  'Zainab', 'Layla', 'Tariq', 'Rahul', 'Deepa', 'Sanjay', 'Kavya', 'Thanh', 'Linh', 'Minh', 'Carlos', 'Diego',
  'Valentina', 'Camila', 'Rafael', 'Gabriel', 'Isaac', 'Miriam', 'Rachel', 'David', 'Sarah', 'Laura', 'Grace',
  'Ruth', 'Naomi', 'Oscar', 'Hugo', 'Nora', 'Ellie', 'Jack', 'Harry', 'Oliver', 'George', 'Amelia', 'Isla',
  'Poppy', 'Maya', 'Ravi', 'Nikhil', 'Sunita', 'Hiroshi', 'Akira', 'Sakura', 'Kenji', 'Imani', 'Malik', 'Keisha',
];

export const PLAIN_LAST_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas',
  'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young',
  'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter', 'Mitchell',
  'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards', 'Collins', 'Stewart', 'Morris',
  'Murphy', 'Cook', 'Rogers', 'Patel', 'Shah', 'Singh', 'Gupta', 'Kumar', 'Nguyen', 'Tran', 'Pham', 'Kim',
  'Lee', 'Park', 'Choi', 'Chen', 'Wang', 'Li', 'Zhang', 'Liu', 'Huang', 'Tanaka', 'Suzuki', 'Sato', 'Watanabe',
  'Yamamoto', 'Okafor', 'Adeyemi', 'Mensah', 'Boateng', 'Okonkwo', 'Haddad', 'Khalil', 'Nasser', 'Rossi',
  'Bianchi', 'Romano', 'Ricci', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Becker', 'Hoffmann',
  'Schulz', 'Kowalski', 'Nowak', 'Andersson', 'Johansson', 'Larsen', 'Nielsen', 'Hansen', "O'Brien",
  "O'Connor", 'McCarthy', 'Murray', 'Fraser', 'Lovelace', 'Hopper', 'Dubois', 'Moreau', 'Laurent', 'Kaplan',
  'Cohen', 'Levi', 'Silva', 'Santos', 'Oliveira', 'Costa', 'Ivanov', 'Petrov', 'Abara', 'Mwangi', 'Otieno',
];

export const ACCENTED_LAST_NAMES: readonly string[] = [
  'Müller', 'García', 'Fernández', 'Martínez', 'Rodríguez', 'López', 'Pérez', 'González', 'Sánchez', 'Gómez',
  'Jiménez', 'Núñez', 'Schäfer', 'Köhler', 'Groß', 'Dvořák', 'Novák', 'Çelik', 'Yılmaz', 'Öztürk', 'Lefèvre',
  'Søndergaard', 'Ångström', 'Łukasiewicz', 'Bergström', 'Håkansson', 'Béranger', 'Weiß',
];

/** Characters Unicode NFD does not decompose, plus German umlauts spelled the way Germans fold them. */
const ASCII_FOLDS: Record<string, string> = {
  ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L',
  ı: 'i', æ: 'ae', Æ: 'Ae', đ: 'd', Đ: 'D',
};

/** `Müller` → `Mueller`, `José` → `Jose`, `Łukasz` → `Lukasz`: what an import without Unicode support stores. */
export function foldToAscii(text: string): string {
  return text
    .replace(/[äöüÄÖÜßøØłŁıæÆđĐ]/g, (c) => ASCII_FOLDS[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

export function hasDiacritics(text: string): boolean {
  return foldToAscii(text) !== text;
}

/** A job and the job the same person held before: the stale side of a conflict shows `previous`. */
export interface JobTrack {
  previous: string;
  current: string;
  department: string;
}

export const JOB_TRACKS: readonly JobTrack[] = [
  { previous: 'Account Executive', current: 'Senior Account Executive', department: 'Sales' },
  { previous: 'Sales Development Representative', current: 'Account Executive', department: 'Sales' },
  { previous: 'Sales Manager', current: 'Director of Sales', department: 'Sales' },
  { previous: 'VP of Sales', current: 'Chief Revenue Officer', department: 'Sales' },
  { previous: 'Marketing Manager', current: 'Director of Marketing', department: 'Marketing' },
  { previous: 'Marketing Coordinator', current: 'Marketing Manager', department: 'Marketing' },
  { previous: 'Demand Generation Manager', current: 'Head of Growth', department: 'Marketing' },
  { previous: 'Product Manager', current: 'Senior Product Manager', department: 'Product' },
  { previous: 'Senior Product Manager', current: 'Head of Product', department: 'Product' },
  { previous: 'Software Engineer', current: 'Senior Software Engineer', department: 'Engineering' },
  { previous: 'Engineering Manager', current: 'Director of Engineering', department: 'Engineering' },
  { previous: 'Director of Engineering', current: 'CTO', department: 'Engineering' },
  { previous: 'Data Analyst', current: 'Data Scientist', department: 'Data' },
  { previous: 'Systems Administrator', current: 'IT Manager', department: 'IT' },
  { previous: 'IT Manager', current: 'IT Director', department: 'IT' },
  { previous: 'Financial Analyst', current: 'Finance Manager', department: 'Finance' },
  { previous: 'Controller', current: 'CFO', department: 'Finance' },
  { previous: 'Procurement Specialist', current: 'Procurement Manager', department: 'Procurement' },
  { previous: 'HR Generalist', current: 'HR Business Partner', department: 'Human Resources' },
  { previous: 'Operations Manager', current: 'VP of Operations', department: 'Operations' },
  { previous: 'Office Manager', current: 'Operations Manager', department: 'Operations' },
  { previous: 'Customer Success Manager', current: 'Head of Customer Success', department: 'Customer Success' },
  { previous: 'Co-founder', current: 'CEO', department: 'Executive' },
  { previous: 'Chief Operating Officer', current: 'CEO', department: 'Executive' },
];

/** Free-mail domains for personal addresses (the hard identity cases and households use them). */
export const PERSONAL_EMAIL_DOMAINS: Record<'US' | 'GB' | 'DE', readonly string[]> = {
  US: ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'proton.me'],
  GB: ['gmail.com', 'outlook.com', 'btinternet.com', 'icloud.com'],
  DE: ['gmail.com', 'gmx.de', 'web.de', 't-online.de'],
};

export const DEAL_PRODUCTS: readonly string[] = [
  'Platform Expansion', 'Annual Renewal', 'Pilot', 'Enterprise Upgrade', 'Data Migration', 'Premium Support',
  'New Business', 'Seat Expansion', 'Analytics Add-on', 'Multi-year Renewal', 'Onboarding Services', 'API Tier',
];

/** Notes a rep leaves in Salesforce's Contact.Description. */
export const CONTACT_NOTES: readonly string[] = [
  'Met at Dreamforce; interested in the analytics add-on.', 'Prefers email over phone.',
  'Champion for the renewal. Loops in procurement late.', 'Asked for a security questionnaire.',
  'Moved from the EMEA team last quarter.', 'Do not call before 10am local time.',
  'Referred by a partner; wants a pilot first.', 'Signed the NDA in March.',
];
