/** TanStack query keys of the advisor screens (prefixes: invalidating one refreshes its children). */
export const consultantsKey = ['consultants'] as const;
export const consultantClassesKey = (teacherId: number) => [...consultantsKey, teacherId, 'classes'] as const;
export const consultantStudentsKey = (teacherId: number) => [...consultantsKey, teacherId, 'students'] as const;
export const counselorsKey = ['counselors'] as const;
export const counselorStudentsKey = (teacherId: number) => [...counselorsKey, teacherId, 'students'] as const;
export const studentsKey = ['students'] as const;
export const adviseesKey = ['advisees'] as const;
