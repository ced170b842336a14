/** TanStack query keys of the 查詢 reports (prefixes: invalidating one refreshes its children). */
export const reportsKey = ['reports'] as const;
export const uncertifiedTeachersKey = [...reportsKey, 'uncertified-teachers'] as const;
export const uncertifiedStudentsKey = (teacherId: number, term: string | undefined) =>
  [...uncertifiedTeachersKey, teacherId, 'students', term ?? 'current'] as const;
export const uncertifiedCoursesKey = [...reportsKey, 'uncertified-courses'] as const;
export const selectionStatusKey = [...reportsKey, 'selection-status'] as const;
export const usageKey = [...reportsKey, 'usage'] as const;
