/** SQL quoting, in one place: a name as an identifier ("…"), a value as a string literal ('…'). */
export const sqlIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;
