import type { TableProps } from 'antd';
import type { ClassRef, StudentRef } from '../../api/types';
import { tr } from '../../i18n/lang';

/**
 * 班級 / 座號 / 學號／帳號 / 姓名, as the student lists show them (the picker, a counselor's, 我的學生).
 * The titles are getters: read when the table renders, in the current UI language.
 */
export const studentColumns: NonNullable<TableProps<StudentRef>['columns']> = [
  {
    get title() {
      return tr('班級', 'Class');
    },
    dataIndex: 'class_code',
    width: 90,
    render: (code: string | null) => code ?? '—',
  },
  {
    get title() {
      return tr('座號', 'Seat');
    },
    dataIndex: 'seat_no',
    width: 70,
    render: (seat: number | null) => seat ?? '',
  },
  {
    get title() {
      return tr('學號／帳號', 'Student no. / account');
    },
    dataIndex: 'account',
  },
  {
    get title() {
      return tr('姓名', 'Name');
    },
    dataIndex: 'name',
  },
];

/** A student as a confirmation names them: 「王郁涵（074313_010001）」. */
export const studentName = (student: StudentRef) => `${student.name}（${student.account}）`;

export const classColumns: NonNullable<TableProps<ClassRef>['columns']> = [
  {
    get title() {
      return tr('年級', 'Grade');
    },
    dataIndex: 'grade',
    width: 70,
  },
  {
    get title() {
      return tr('班級代碼', 'Class code');
    },
    dataIndex: 'code',
    width: 100,
  },
  {
    get title() {
      return tr('班級', 'Class');
    },
    dataIndex: 'name',
  },
];

/** A class as a confirmation names it: 「三年一班（301）」. */
export const className = (klass: ClassRef) => `${klass.name}（${klass.code}）`;
