import type { Advisor } from '../../api/types';
import { AdvisorSettings } from './AdvisorSettings';
import { AssignedStudents } from './AssignedStudents';
import { counselorsKey } from './queryKeys';
import { useT } from '../../i18n';

function CounselorStudents({ teacher, readOnly }: { teacher: Advisor; readOnly: boolean }) {
  return <AssignedStudents teacher={teacher} readOnly={readOnly} kind="counselors" />;
}

/**
 * 設定輔導老師/科主任 (module S0210S; FAQ 三): pick a teacher, then add students found by class and
 * name, or remove some (after a confirmation). Set again each term.
 */
export function CounselorsPage() {
  const t = useT();
  return (
    <AdvisorSettings
      title={t('設定輔導老師/科主任', 'Counselors / department heads')}
      intro={t('選擇教師後，依班級或學號、姓名查詢學生，勾選後按「加入」設定為該教師輔導的學生；勾選已設定學生按「移除」取消。輔導老師／科主任可查看所設定學生的學習歷程。', 'Choose a teacher, find students by class, student number or name, tick them and press "Add" to assign them; tick assigned students and press "Remove" to unassign. Counselors / department heads can view their students\' portfolios.')}
      module={{ code: 'S0210S', name: t('查詢輔導教師', 'Counselors') }}
      assignedTitle={t('已設定學生數', 'Students assigned')}
      list="/api/v1/counselors"
      queryKey={counselorsKey}
      editor={CounselorStudents}
    />
  );
}
