/** TanStack query keys of the student's screens (prefixes: invalidating one refreshes its children). */
export const myCoursesKey = ['me', 'courses'] as const;
export const learningResultsKey = ['learning-results'] as const;
export const learningResultKey = (id: number) => [...learningResultsKey, 'detail', id] as const;
export const performancesKey = ['performances'] as const;
export const performanceKey = (id: number) => [...performancesKey, 'detail', id] as const;
export const performanceCategoriesKey = ['performance-categories'] as const;
export const performanceLimitsKey = ['me', 'performance-limits'] as const;
export const cadreRecordsKey = ['me', 'cadre-records'] as const;
export const selectionsKey = ['me', 'selections'] as const;
