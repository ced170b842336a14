import type { TableProps } from 'antd';
import type { ClassRef, StudentRef } from '../../api/types';

/** 班級 / 座號 / 學號／帳號 / 姓名, as the student lists show them (the picker, a counselor's, 我的學生). */
export const studentColumns: NonNullable<TableProps<StudentRef>['columns']> = [
  { title: '班級', dataIndex: 'class_code', width: 90, render: (code: string | null) => code ?? '—' },
  { title: '座號', dataIndex: 'seat_no', width: 70, render: (seat: number | null) => seat ?? '' },
  { title: '學號／帳號', dataIndex: 'account' },
  { title: '姓名', dataIndex: 'name' },
];

/** A student as a confirmation names them: 「王郁涵（074313_010001）」. */
export const studentName = (student: StudentRef) => `${student.name}（${student.account}）`;

export const classColumns: NonNullable<TableProps<ClassRef>['columns']> = [
  { title: '年級', dataIndex: 'grade', width: 70 },
  { title: '班級代碼', dataIndex: 'code', width: 100 },
  { title: '班級', dataIndex: 'name' },
];

/** A class as a confirmation names it: 「三年一班（301）」. */
export const className = (klass: ClassRef) => `${klass.name}（${klass.code}）`;
