/** TanStack query keys of the 查詢 / 系統管理 screens (prefixes: invalidating one refreshes its children). */
export const receivingLogKey = ['sync-batches'] as const;
export const termsKey = ['terms'] as const;
export const currentTermKey = [...termsKey, 'current'] as const;
export const parametersKey = ['settings', 'parameters'] as const;
export const nationalWindowsKey = ['national-windows'] as const;
export const workPeriodsKey = ['work-periods'] as const;
export const coTaughtKey = ['co-taught'] as const;
export const delegatesKey = ['certification-delegates'] as const;
