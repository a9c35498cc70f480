/** The features pairwise scoring adds up, in one table (order is the order reasons are reported in). */
import { addressFeature } from './features/address.ts';
import { companyFeature } from './features/company.ts';
import { emailFeature } from './features/email.ts';
import type { MatchFeature } from './features/feature.ts';
import { firstNameFeature } from './features/first-name.ts';
import { lastNameFeature } from './features/last-name.ts';
import { locationFeature } from './features/location.ts';
import { phoneFeature } from './features/phone.ts';
import { titleFeature } from './features/title.ts';

export const specifiedMatchFeatures: Readonly<Record<string, MatchFeature>> = Object.freeze({
  email: emailFeature,
  phone: phoneFeature,
  firstName: firstNameFeature,
  lastName: lastNameFeature,
  company: companyFeature,
  address: addressFeature,
  location: locationFeature,
  title: titleFeature,
});
