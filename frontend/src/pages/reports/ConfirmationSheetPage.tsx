import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import type { paths } from '../../api/schema';
import { api, unwrap } from '../../api/client';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { fetchFile } from '../../lib/download';
import { formatTerm } from '../../lib/roc';
import { useT } from '../../i18n';
import { ClassSelect, xlsxName } from './ReportFilters';
import { TermSelect } from './TermSelect';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Sheets = JsonOf<paths['/api/v1/reports/confirmation-sheets']['get']['responses'][200]>;
type StudentSheet = Sheets['students'][number];

/**
 * Printing: only the sheets, one student per A4 page (the menu, filters and buttons are hidden).
 * Kept as a plain style element so the rule travels with the page's chunk.
 */
const PRINT_CSS = `
@page { size: A4; margin: 15mm; }
.licheng-sheet table { border-collapse: collapse; width: 100%; font-size: 12px; }
.licheng-sheet th, .licheng-sheet td { border: 1px solid #999; padding: 2px 4px; text-align: left; }
@media print {
  body * { visibility: hidden; }
  .licheng-print-area, .licheng-print-area * { visibility: visible; }
  .licheng-print-area { position: absolute; left: 0; top: 0; width: 100%; }
  .licheng-sheet { page-break-after: always; break-after: page; }
  .licheng-sheet:last-child { page-break-after: auto; break-after: auto; }
}`;

function Sheet({ sheet, term, printedOn }: { sheet: StudentSheet; term: string; printedOn: string }) {
  return (
    <section className="licheng-sheet" aria-label={sheet.name} style={{ marginBottom: 32 }} lang="zh-TW">
      <Typography.Title level={4} style={{ textAlign: 'center' }}>
        {formatTerm(term)} 學生上傳及勾選情形確認單
      </Typography.Title>
      <p>
        班級：{sheet.class_code ?? ''}　座號：{sheet.seat_no ?? ''}　學號：{sheet.number ?? ''}　姓名：{sheet.name}　列印日期：{printedOn}
      </p>
      <h5>課程學習成果（本學期）</h5>
      <table>
        <thead>
          <tr>
            <th>科目</th>
            <th>內容簡述</th>
            <th>狀態</th>
            <th>上傳日期</th>
            <th>認證日期</th>
            <th>已勾選提交</th>
          </tr>
        </thead>
        <tbody>
          {sheet.results.length === 0 && (
            <tr>
              <td colSpan={6}>無</td>
            </tr>
          )}
          {sheet.results.map((r) => (
            <tr key={`${r.origin_school ?? ''}-${r.id}`}>
              <td>
                {r.subject_name}
                {r.origin_school && <div>（轉入，原學校：{r.origin_school}）</div>}
              </td>
              <td>{r.description}</td>
              <td>{r.state_name}</td>
              <td>{r.uploaded_on}</td>
              <td>{r.decided_on ?? ''}</td>
              <td>{r.selected ? '是' : '否'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h5>多元表現（本學年度）</h5>
      <table>
        <thead>
          <tr>
            <th>類別</th>
            <th>名稱</th>
            <th>日期</th>
            <th>已勾選提交</th>
          </tr>
        </thead>
        <tbody>
          {sheet.performances.length === 0 && (
            <tr>
              <td colSpan={4}>無</td>
            </tr>
          )}
          {sheet.performances.map((p) => (
            <tr key={`${p.origin_school ?? ''}-${p.id}`}>
              <td>{p.category_name}</td>
              <td>
                {p.title}
                {p.origin_school && <div>（轉入，原學校：{p.origin_school}）</div>}
              </td>
              <td>{p.date}</td>
              <td>{p.selected ? '是' : '否'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        本學年度已勾選：課程學習成果 {sheet.selected_results}／{sheet.result_limit} 件，多元表現 {sheet.selected_performances}／
        {sheet.performance_limit} 件。
      </p>
      <p style={{ marginTop: 32 }}>學生簽名：＿＿＿＿＿＿＿＿＿＿　　家長簽名：＿＿＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿</p>
    </section>
  );
}

function Sheets({ data, only }: { data: Sheets; only?: number }) {
  const t = useT();
  if (!data.term) return <Typography.Paragraph type="secondary">{t('學校尚未有學年期資料。', 'The school has no term data yet.')}</Typography.Paragraph>;
  const students = only === undefined ? data.students : data.students.filter((s) => s.student_id === only);
  if (students.length === 0) return <Typography.Paragraph type="secondary">{t('沒有學生。', 'No students.')}</Typography.Paragraph>;
  return (
    <div className="licheng-print-area" data-testid="confirmation-sheets">
      <style>{PRINT_CSS}</style>
      {students.map((s) => (
        <Sheet key={s.student_id} sheet={s} term={data.term ?? ''} printedOn={data.printed_on} />
      ))}
    </div>
  );
}

function PrintButton() {
  const t = useT();
  return (
    <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
      {t('列印（每位學生一頁 A4）', 'Print (one A4 page per student)')}
    </Button>
  );
}

/**
 * 學生上傳及勾選情形確認單 (school admin, module S0205S): a class's students, one A4 page each,
 * or one student of it; printed from the browser or exported to Excel.
 */
export function ConfirmationSheetPage() {
  const t = useT();
  const [term, setTerm] = useState<string>();
  const [classCode, setClassCode] = useState<string>();
  const [student, setStudent] = useState<number>();
  const query = { term, class_code: classCode };
  const sheets = useQuery({
    queryKey: ['reports', 'confirmation-sheets', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/confirmation-sheets', { params: { query }, signal })),
    enabled: classCode !== undefined,
  });
  return (
    <PageCard title={t('學生上傳及勾選情形確認單', 'Upload and selection confirmation sheets')} intro={t('選擇班級（可再選一位學生），列印後請學生及家長簽名。', 'Choose a class (and optionally one student); print for the student and a parent to sign.')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <TermSelect value={term} onChange={setTerm} />
        <ClassSelect
          value={classCode}
          allowClear={false}
          onChange={(code) => {
            setClassCode(code);
            setStudent(undefined);
          }}
        />
        <Select<number>
          aria-label={t('學生', 'Student')}
          placeholder={t('全班', 'Whole class')}
          allowClear
          value={student}
          onChange={(id) => setStudent(id ?? undefined)}
          options={(sheets.data?.students ?? []).map((s) => ({ value: s.student_id, label: `${s.seat_no ?? ''} ${s.name}` }))}
          style={{ width: 180 }}
        />
        <PrintButton />
        <DownloadButton
          disabled={classCode === undefined}
          fetch={(signal) =>
            fetchFile(
              api.GET('/api/v1/reports/confirmation-sheets.xlsx', { params: { query: { ...query, student_id: student } }, parseAs: 'blob', signal }),
              xlsxName('上傳及勾選確認單', term),
            )
          }
        />
      </Space>
      <ErrorAlert error={sheets.error} />
      {sheets.data && <Sheets data={sheets.data} only={student} />}
    </PageCard>
  );
}

/** The student's own 確認單, to print. */
export function MyConfirmationSheetPage() {
  const t = useT();
  const sheet = useQuery({ queryKey: ['me', 'confirmation-sheet'], queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/confirmation-sheet', { signal })) });
  return (
    <PageCard title={t('上傳及勾選情形確認單', 'My confirmation sheet')} intro={t('本學期上傳的學習成果與本學年度的勾選情形；列印後請簽名。', 'This term’s uploads and this year’s selections; print and sign.')}>
      <Space style={{ marginBottom: 16 }}>
        <PrintButton />
      </Space>
      <ErrorAlert error={sheet.error} />
      {sheet.data && <Sheets data={sheet.data} />}
    </PageCard>
  );
}
