/**
 * Name, place and company pools for the identity bench generator. Plain data, written from general
 * knowledge of how people are named and how CRM records look — deliberately NOT derived from the matcher's
 * nickname table, so the bench also measures what that table misses.
 */

export type Country = 'US' | 'GB' | 'DE';

/** Formal first name → the short forms people actually go by (not exhaustive, on purpose). */
export const MALE_NAMES: Readonly<Record<string, readonly string[]>> = {
  robert: ['bob', 'bobby', 'rob', 'robbie'], william: ['bill', 'will', 'billy', 'liam'], james: ['jim', 'jimmy', 'jamie'],
  john: ['johnny', 'jack'], michael: ['mike', 'mikey', 'mick'], david: ['dave', 'davey'], richard: ['rick', 'rich', 'dick', 'richie'],
  joseph: ['joe', 'joey'], thomas: ['tom', 'tommy'], charles: ['charlie', 'chuck'], christopher: ['chris'], daniel: ['dan', 'danny'],
  matthew: ['matt'], anthony: ['tony'], donald: ['don'], steven: ['steve'], andrew: ['andy', 'drew'], joshua: ['josh'],
  kenneth: ['ken', 'kenny'], edward: ['ed', 'eddie', 'ted'], ronald: ['ron', 'ronnie'], timothy: ['tim'], jeffrey: ['jeff'],
  jacob: ['jake'], nicholas: ['nick', 'nicky'], jonathan: ['jon'], lawrence: ['larry'], benjamin: ['ben', 'benny'],
  samuel: ['sam', 'sammy'], gregory: ['greg'], alexander: ['alex', 'sasha'], patrick: ['pat', 'paddy'], gerald: ['jerry', 'gerry'],
  peter: ['pete'], zachary: ['zach', 'zack'], walter: ['walt'], albert: ['al', 'bert'], philip: ['phil'], vincent: ['vince'],
  nathan: ['nate'], douglas: ['doug'], raymond: ['ray'], eugene: ['gene'], russell: ['russ'], frederick: ['fred', 'freddie'],
  leonard: ['leo', 'len'], terrence: ['terry'], bradley: ['brad'], mitchell: ['mitch'], maximilian: ['max'],
  kevin: [], brian: [], george: [], jason: [], ryan: [], gary: [], eric: [], scott: [], justin: [], brandon: [], frank: [],
  dennis: [], tyler: [], aaron: [], jose: [], henry: ['hank', 'harry'], adam: [], kyle: [], harold: ['harry', 'hal'], carl: [],
  jeremy: [], keith: [], roger: [], arthur: ['art'], sean: [], christian: [], ethan: [], austin: [], jesse: [], bruce: [],
  jordan: [], ralph: [], roy: [], noah: [], dylan: [], wayne: [], alan: [], juan: [], louis: ['lou'], gabriel: ['gabe'],
  hans: [], klaus: [], 'jürgen': [], stefan: [], matthias: [], lukas: [], oliver: ['olly'], oscar: [], sebastian: ['seb'],
  'françois': [], pierre: [], luca: [], marco: [], giovanni: ['gianni'], lars: [], sven: [], 'søren': [], mateo: [], javier: [],
  diego: [], wei: [], hiroshi: [], raj: [], arjun: [], mohammed: [], ahmed: [], omar: [], 'björn': [], 'andré': [],
};

export const FEMALE_NAMES: Readonly<Record<string, readonly string[]>> = {
  mary: [], patricia: ['pat', 'patty', 'trish'], jennifer: ['jen', 'jenny'], linda: [], elizabeth: ['liz', 'beth', 'betty', 'lizzie'],
  barbara: ['barb'], susan: ['sue', 'susie'], jessica: ['jess'], sarah: [], karen: [], nancy: [], lisa: [],
  margaret: ['maggie', 'peggy', 'meg'], sandra: ['sandy'], ashley: [], dorothy: ['dot'], kimberly: ['kim'], emily: ['em'],
  donna: [], michelle: ['shelly'], carol: [], amanda: ['mandy'], melissa: ['mel', 'missy'], deborah: ['deb', 'debbie'],
  stephanie: ['steph'], rebecca: ['becky', 'becca'], laura: [], sharon: [], cynthia: ['cindy'], kathleen: ['kathy'], amy: [],
  angela: ['angie'], helen: [], anna: [], brenda: [], pamela: ['pam'], nicole: ['nikki'], samantha: ['sam'], katherine: ['kate', 'kathy', 'katie'],
  emma: [], ruth: [], christine: ['chris', 'chrissy'], catherine: ['cathy', 'cat'], rachel: [], janet: [], virginia: ['ginny'],
  maria: [], heather: [], diane: [], julie: [], victoria: ['vicky', 'tori'], kelly: [], christina: ['tina'], joan: [],
  evelyn: ['evie'], lauren: [], judith: ['judy'], olivia: ['liv'], frances: ['fran'], martha: [], megan: [], andrea: [],
  hannah: [], jacqueline: ['jackie'], alice: [], gloria: [], teresa: ['terri'], sara: [], julia: [], grace: [], diana: [],
  natalie: ['nat'], sophia: ['sophie'], jane: [], alexandra: ['alex', 'sasha'], abigail: ['abby'], danielle: ['dani'],
  ursula: [], sabine: [], petra: [], anke: [], claudia: [], chloe: [], isabelle: ['izzy'], giulia: [], chiara: [], ingrid: [],
  astrid: [], lucia: [], carmen: [], yuki: [], priya: [], fatima: [], aisha: [], mei: [], zoe: [], 'zoë': [], 'renée': [],
};

export const SURNAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson',
  'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright',
  'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell',
  'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins',
  'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson',
  'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood',
  'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes', 'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers',
  'Long', 'Ross', 'Foster', 'Jimenez', 'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Bell', 'Coleman', 'Butler',
  'Henderson', 'Barnes', 'Gonzales', 'Fisher', 'Vasquez', 'Simmons', 'Romero', 'Jordan', 'Patterson', 'Alexander',
  'Hamilton', 'Graham', 'Reynolds', 'Griffin', 'Wallace', 'Moreno', 'West', 'Cole', 'Hayes', 'Bryant', 'Herrera', 'Gibson',
  'Ellis', 'Tran', 'Medina', 'Aguilar', 'Stevens', 'Murray', 'Ford', 'Castro', 'Marshall', 'Owens', 'Harrison', 'Fernandez',
  'McDonald', 'Woods', 'Washington', 'Kennedy', 'Wells', 'Vargas', 'Henry', 'Chen', 'Freeman', 'Webb', 'Tucker', 'Guzman',
  "O'Brien", "O'Neill", 'MacLeod', 'Fitzgerald', 'Byrne', 'Walsh', 'Doyle', 'Lynch', 'Quinn', 'Hughes-Jones', 'Davies',
  'Llewellyn', 'Pritchard', 'Ashworth', 'Whitfield', 'Pemberton', 'Cartwright', 'Thornton', 'Blackwood', 'Fairbanks',
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch',
  'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann',
  'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Krause', 'Meier', 'Lehmann', 'Köhler', 'Weiß', 'Jäger', 'Böhm', 'von Arnim',
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Dubois', 'Lefèvre', 'Moreau', 'Laurent',
  'Girard', 'Bonnet', 'Nielsen', 'Jensen', 'Hansen', 'Andersen', 'Larsen', 'Johansson', 'Karlsson', 'Lindqvist', 'Novak',
  'Kowalski', 'Nowak', 'Wiśniewski', 'Horvath', 'Tanaka', 'Suzuki', 'Takahashi', 'Watanabe', 'Sato', 'Wang', 'Li', 'Zhang',
  'Liu', 'Yang', 'Huang', 'Zhao', 'Singh', 'Kumar', 'Sharma', 'Gupta', 'Shah', 'Khan', 'Ali', 'Hassan', 'Ibrahim', 'Okafor',
  'Mensah', 'Adeyemi', 'Silva', 'Santos', 'Oliveira', 'Pereira', 'Costa', 'Almeida', 'Nakamura', 'Park', 'Choi', 'Jung',
];

export interface CityInfo {
  city: string;
  country: Country;
  /** Dialling prefix of the city's landlines, in national form without the trunk 0 (GB/DE) or as the US area code. */
  areaCodes: readonly string[];
  /** Digits after the area code in a landline. */
  subscriberDigits: number;
}

export const CITIES: readonly CityInfo[] = [
  { city: 'San Francisco', country: 'US', areaCodes: ['415', '628'], subscriberDigits: 7 },
  { city: 'New York', country: 'US', areaCodes: ['212', '646', '917'], subscriberDigits: 7 },
  { city: 'Chicago', country: 'US', areaCodes: ['312', '773'], subscriberDigits: 7 },
  { city: 'Austin', country: 'US', areaCodes: ['512', '737'], subscriberDigits: 7 },
  { city: 'Seattle', country: 'US', areaCodes: ['206'], subscriberDigits: 7 },
  { city: 'Boston', country: 'US', areaCodes: ['617', '857'], subscriberDigits: 7 },
  { city: 'Denver', country: 'US', areaCodes: ['303', '720'], subscriberDigits: 7 },
  { city: 'Atlanta', country: 'US', areaCodes: ['404', '678'], subscriberDigits: 7 },
  { city: 'Los Angeles', country: 'US', areaCodes: ['213', '310', '323'], subscriberDigits: 7 },
  { city: 'Miami', country: 'US', areaCodes: ['305', '786'], subscriberDigits: 7 },
  { city: 'London', country: 'GB', areaCodes: ['20'], subscriberDigits: 8 },
  { city: 'Manchester', country: 'GB', areaCodes: ['161'], subscriberDigits: 7 },
  { city: 'Edinburgh', country: 'GB', areaCodes: ['131'], subscriberDigits: 7 },
  { city: 'Bristol', country: 'GB', areaCodes: ['117'], subscriberDigits: 7 },
  { city: 'Berlin', country: 'DE', areaCodes: ['30'], subscriberDigits: 8 },
  { city: 'München', country: 'DE', areaCodes: ['89'], subscriberDigits: 8 },
  { city: 'Hamburg', country: 'DE', areaCodes: ['40'], subscriberDigits: 8 },
  { city: 'Köln', country: 'DE', areaCodes: ['221'], subscriberDigits: 7 },
  { city: 'Frankfurt am Main', country: 'DE', areaCodes: ['69'], subscriberDigits: 8 },
];

/** How a country is written in CRM address fields (picklists, free text, ISO codes). */
export const COUNTRY_SPELLINGS: Readonly<Record<Country, readonly string[]>> = {
  US: ['US', 'USA', 'United States', 'United States of America'],
  GB: ['GB', 'UK', 'United Kingdom', 'England'],
  DE: ['DE', 'Germany', 'Deutschland'],
};

/** Mobile prefixes (national, without the trunk 0 for GB/DE). US mobiles look like landlines. */
export const MOBILE_PREFIXES: Readonly<Record<Country, readonly string[]>> = {
  US: [], GB: ['7700', '7911', '7400', '7825'], DE: ['151', '160', '170', '176'],
};

export const LEGAL_SUFFIXES: Readonly<Record<Country, readonly string[]>> = {
  US: ['Inc.', 'LLC', 'Corp.', 'Inc'], GB: ['Ltd', 'Ltd.', 'Limited', 'plc'], DE: ['GmbH', 'AG', 'GmbH & Co. KG'],
};

export const COMPANY_WORDS_A: readonly string[] = [
  'Acme', 'Blue', 'North', 'Bright', 'Silver', 'Iron', 'Summit', 'Pioneer', 'Quantum', 'Harbor', 'Cedar', 'Granite', 'Nova',
  'Apex', 'Vertex', 'Crystal', 'Golden', 'Red', 'Evergreen', 'Atlas', 'Orion', 'Polar', 'Sterling', 'Falcon', 'Maple',
  'Oak', 'River', 'Stone', 'Sun', 'Lunar', 'Alpine', 'Coastal', 'Prairie', 'Metro', 'Urban', 'Delta', 'Sigma', 'Helix',
];

export const COMPANY_WORDS_B: readonly string[] = [
  'Robotics', 'Logistics', 'Analytics', 'Systems', 'Software', 'Health', 'Foods', 'Energy', 'Capital', 'Partners',
  'Labs', 'Dynamics', 'Networks', 'Solutions', 'Industries', 'Media', 'Pharma', 'Motors', 'Textiles', 'Consulting',
  'Insurance', 'Materials', 'Devices', 'Studios', 'Ventures', 'Holdings', 'Foundry', 'Works', 'Data', 'Security',
];

export const TITLES: readonly string[] = [
  'CEO', 'CTO', 'CFO', 'COO', 'VP Sales', 'VP Marketing', 'VP Engineering', 'Head of Operations', 'Head of Procurement',
  'Sales Manager', 'Account Executive', 'Senior Account Executive', 'Marketing Manager', 'Product Manager',
  'Senior Product Manager', 'Engineering Manager', 'Software Engineer', 'Senior Software Engineer', 'Data Analyst',
  'Office Manager', 'Procurement Lead', 'IT Director', 'Director of Finance', 'Controller', 'Buyer', 'Consultant',
  'Geschäftsführer', 'Einkaufsleiter', 'Managing Director', 'Operations Analyst',
];

export const FREEMAIL: Readonly<Record<Country, readonly string[]>> = {
  US: ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com'],
  GB: ['gmail.com', 'btinternet.com', 'hotmail.co.uk', 'yahoo.co.uk', 'outlook.com'],
  DE: ['gmail.com', 'gmx.de', 'web.de', 't-online.de', 'outlook.de'],
};

export const TOP_LEVEL_DOMAIN: Readonly<Record<Country, string>> = { US: 'com', GB: 'co.uk', DE: 'de' };
