import { Typography } from 'antd';
import type { LearningResultDetail } from '../api/types';
import { formatApiDateTime } from '../lib/roc';
import { useT } from '../i18n';

/** One active delegate certifier (meeting 003 #25, 代理人機制) as the student and the teachers see it. */
export type DelegateNote = LearningResultDetail['delegates'][number];

/** 代理認證: who certifies in whose place, since when (visible to the student and the co-teachers). */
export function DelegateNotes({ delegates }: { delegates: readonly DelegateNote[] }) {
  const t = useT();
  return (
    <>
      {delegates.map((note, index) => (
        <div key={index}>
          <Typography.Text>
            {note.for_teacher
              ? t(`${note.name}（代理 ${note.for_teacher}）`, `${note.name} (for ${note.for_teacher})`)
              : t(`${note.name}（代理本課程認證）`, `${note.name} (for this course)`)}
          </Typography.Text>
          <Typography.Text type="secondary">{t(`　自 ${formatApiDateTime(note.since)} 起`, `  since ${formatApiDateTime(note.since)}`)}</Typography.Text>
        </div>
      ))}
    </>
  );
}
