/** TanStack query keys of 學習成果認證 (prefixes: invalidating one refreshes its children). */
export const certificationKey = ['certification'] as const;
export const certificationCoursesKey = [...certificationKey, 'courses'] as const;
export const certificationResultsKey = [...certificationKey, 'results'] as const;
