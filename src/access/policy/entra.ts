import { z } from 'zod';

/** Entra (Azure AD) security or Microsoft 365 groups, by object id; members are read through Microsoft Graph. */
export const entraGroupIds = z.array(z.guid('must be an Entra group object id (a GUID)').transform((id) => id.toLowerCase())).default([]);
