import { describe, expect, it } from 'vitest';
import { analysisChart } from './AnalysisPage';
import { deadlineChart } from './DeadlinesPage';

const period = (grade: number, start_date: string, end_date: string) => ({
  id: grade,
  academic_year: 115,
  semester: 1,
  grade,
  item: 'upload_results' as const,
  item_name: '學生上傳及送出學習成果認證時間',
  start_date,
  start_hour: 0,
  end_date,
  end_hour: 23,
  starts_at: `${start_date}T00:00:00Z`,
  ends_at: `${end_date}T00:00:00Z`,
  open: false,
});

describe('analysis chart', () => {
  it('draws one bar per group of one dimension', () => {
    const c = analysisChart({ by: ['grade'], rows: [{ keys: ['1'], count: 4 }, { keys: ['2'], count: 1 }] });
    expect(c.data.labels).toEqual(['1', '2']);
    expect(c.data.datasets.map((d) => d.data)).toEqual([[4, 1]]);
  });

  it('stacks one series per value of the second dimension, zero where a group lacks it', () => {
    const c = analysisChart({
      by: ['grade', 'state'],
      rows: [
        { keys: ['1', '編輯中'], count: 1 },
        { keys: ['1', '認證成功'], count: 2 },
        { keys: ['2', '認證成功'], count: 1 },
      ],
    });
    expect(c.data.labels).toEqual(['1', '2']);
    expect(c.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ['編輯中', [1, 0]],
      ['認證成功', [2, 1]],
    ]);
    expect(c.options?.scales?.x).toMatchObject({ stacked: true });
  });
});

describe('deadline chart', () => {
  it('shows uploads, submissions and certifications per ROC day with the periods over them', () => {
    const days = ['2026-09-01', '2026-09-02', '2026-09-03'].map((day, i) => ({ day, uploads: i, submissions: 2 * i, certifications: 3 * i }));
    const c = deadlineChart({ days, periods: [period(1, '2026-09-02', '2026-09-10'), period(2, '2026-10-01', '2026-10-02')] });
    expect(c.data.labels).toEqual(['115/09/01', '115/09/02', '115/09/03']);
    expect(c.data.datasets.map((d) => d.data)).toEqual([
      [0, 1, 2],
      [0, 2, 4],
      [0, 3, 6],
    ]);
    // The period outside the days is not drawn; the one drawn is a plugin of the chart.
    expect(c.plugins).toHaveLength(1);
    expect(c.plugins?.[0]?.id).toBe('spans');
  });
});
