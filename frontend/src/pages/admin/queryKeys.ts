/** TanStack query keys of the account screens (prefixes: invalidating one refreshes its children). */
export const roleGroupsKey = ['role-groups'] as const;
export const roleGroupKey = (id: number, part: 'members' | 'modules') => [...roleGroupsKey, id, part] as const;
export const functionModulesKey = ['function-modules'] as const;
export const staffKey = ['staff'] as const;
export const accountsKey = ['accounts'] as const;
export const temporaryAccountsKey = ['temporary-accounts'] as const;
export const mailSettingsKey = ['mail-settings'] as const;
export const apiKeysKey = ['api-keys'] as const;
export const auditEventsKey = ['audit-events'] as const;
export const remindersKey = ['reminders'] as const;
