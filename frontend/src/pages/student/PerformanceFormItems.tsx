import { Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import type { Dayjs } from '../../lib/dayjs';
import { useEffect } from 'react';
import type { CategoryInfo, FieldSpec, Performance, PerformanceCategory, PerformanceLimits } from '../../api/types';
import { isoDay, RocDatePicker } from '../../components/RocDatePicker';
import { atLeastOneFileRule, DescriptionItem, FileSlotItem } from '../../components/UploadFields';
import { formatRocDate } from '../../lib/roc';
import type { FileChoice } from '../../lib/uploadFiles';
import {
  categoryInfo,
  dateBounds,
  isRange,
  linkAllowed,
  numericFields,
  outside,
  type PerformanceValues,
} from './performances';
import { useT } from '../../i18n';

const LINK = /^https?:\/\/\S+$/i;

/** One of the category's own fields: a choice list, a number (hours, credits) or text. */
function CategoryField({ spec }: { spec: FieldSpec }) {
  const t = useT();
  const numeric = numericFields[spec.field];
  const choose = spec.choices.length > 0;
  return (
    <Form.Item
      name={spec.field}
      label={spec.label}
      rules={[
        {
          required: spec.required,
          whitespace: !numeric,
          message: choose ? t(`請選擇${spec.label}`, `Please choose: ${spec.label}`) : t(`請填寫${spec.label}`, `Please fill in: ${spec.label}`),
        },
      ]}
      extra={spec.field === 'hours' ? t('可填到 0.5 小時。', 'In steps of 0.5 hours.') : undefined}
    >
      {choose ? (
        <Select<string>
          options={spec.choices.map((choice) => ({ value: choice, label: choice }))}
          allowClear={!spec.required}
          aria-label={spec.label}
          placeholder={t(`選擇${spec.label}`, `Choose: ${spec.label}`)}
        />
      ) : numeric ? (
        <InputNumber<number>
          min={numeric.min}
          max={numeric.max}
          step={numeric.step}
          precision={numeric.precision}
          style={{ width: 160 }}
          aria-label={spec.label}
        />
      ) : (
        <Input maxLength={100} aria-label={spec.label} />
      )}
    </Form.Item>
  );
}

/** The date(s) the category takes: one 日期, or 開始日期 and 結束日期; inside the year's bounds. */
function DateItems({ range, limits }: { range: boolean; limits: PerformanceLimits | undefined }) {
  const t = useT();
  const form = Form.useFormInstance<PerformanceValues>();
  const start = Form.useWatch('start_date', form) as Dayjs | null | undefined;
  const startBounds = limits && dateBounds(limits, 'start');
  const endBounds = limits && dateBounds(limits, 'end', isoDay(start));
  const disabledBy = (bounds: [string, string] | undefined) =>
    bounds ? (day: Dayjs) => outside(isoDay(day) ?? '', bounds) : undefined;
  const boundsText = (bounds: [string, string] | undefined) =>
    bounds ? `${formatRocDate(bounds[0])} ~ ${formatRocDate(bounds[1])}` : undefined;
  return (
    <Space align="start" wrap>
      <Form.Item
        name="start_date"
        label={range ? t('開始日期', 'Start date') : t('日期', 'Date')}
        rules={[{ required: true, message: range ? t('請選擇開始日期', 'Please choose the start date') : t('請選擇日期', 'Please choose the date') }]}
        extra={boundsText(startBounds)}
      >
        <RocDatePicker disabledDate={disabledBy(startBounds)} style={{ width: 160 }} aria-label={range ? t('開始日期', 'Start date') : t('日期', 'Date')} />
      </Form.Item>
      {range && (
        <Form.Item
          name="end_date"
          label={t('結束日期', 'End date')}
          dependencies={['start_date']}
          extra={boundsText(endBounds)}
          rules={[
            { required: true, message: t('請選擇結束日期', 'Please choose the end date') },
            ({ getFieldValue }) => ({
              validator: (_, end: Dayjs | null | undefined) => {
                const from = getFieldValue('start_date') as Dayjs | null | undefined;
                return end && from && end.isBefore(from, 'day')
                  ? Promise.reject(new Error(t('結束日期不可早於開始日期', 'The end date cannot be before the start date')))
                  : Promise.resolve();
              },
            }),
          ]}
        >
          <RocDatePicker disabledDate={disabledBy(endBounds)} style={{ width: 160 }} aria-label={t('結束日期', 'End date')} />
        </Form.Item>
      )}
    </Space>
  );
}

/**
 * The performance dialog's fields, built from the chosen category (`GET
 * /api/v1/performance-categories`): the category (fixed on edit), its own fields, its date(s),
 * 內容簡述, the files, and 外部連結 (only while a video is attached: FAQ 000 四 Q3).
 */
export function PerformanceFormItems({
  categories,
  limits,
  current,
}: {
  categories: readonly CategoryInfo[];
  limits: PerformanceLimits | undefined;
  /** The performance being edited (its category cannot change). */
  current: Performance | null;
}) {
  const t = useT();
  const form = Form.useFormInstance<PerformanceValues>();
  const category = Form.useWatch('category', form) as PerformanceCategory | undefined;
  const video = Form.useWatch('video', form) as FileChoice;
  const info = categoryInfo(categories, current?.category ?? category);
  const withLink = linkAllowed(current?.video, video);

  // No video any more: the link goes too (the server refuses a link without a video).
  useEffect(() => {
    if (!withLink && form.getFieldValue('external_link')) form.setFieldValue('external_link', undefined);
  }, [withLink, form]);

  return (
    <>
      {current ? (
        <Form.Item label={t('類別', 'Category')}>
          <Typography.Text>{current.category_name}</Typography.Text>
        </Form.Item>
      ) : (
        <Form.Item name="category" label={t('類別', 'Category')} rules={[{ required: true, message: t('請選擇類別', 'Please choose a category') }]}>
          <Select<PerformanceCategory>
            options={categories.map((item) => ({ value: item.category, label: item.name }))}
            placeholder={t('選擇多元表現類別', 'Choose a performance category')}
            aria-label={t('類別', 'Category')}
          />
        </Form.Item>
      )}
      {info && (
        <>
          {info.fields.map((spec) => (
            <CategoryField key={`${info.category}-${spec.field}`} spec={spec} />
          ))}
          <DateItems range={isRange(info)} limits={limits} />
          <DescriptionItem />
          <FileSlotItem
            slot="document"
            current={current?.document}
            dependencies={['video']}
            rules={[atLeastOneFileRule(current ?? undefined)]}
            extra={t('文件檔與影音檔至少一個。', 'At least one document or audio/video file.')}
          />
          <FileSlotItem slot="video" current={current?.video} />
          <Form.Item
            name="external_link"
            label={t('外部連結', 'External link')}
            extra={
          withLink
            ? t('影音檔的外部連結（http:// 或 https:// 開頭）。', 'A link to the audio/video (starting with http:// or https://).')
            : t('上傳影音檔後才能填寫外部連結。', 'Upload an audio/video file before adding an external link.')
        }
            rules={[
              {
                validator: (_, value: string | undefined) =>
                  !withLink || !value?.trim() || LINK.test(value.trim())
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('外部連結須為 http(s):// 開頭的網址', 'The external link must start with http(s)://'))),
              },
            ]}
          >
            <Input disabled={!withLink} placeholder="https://" inputMode="url" aria-label={t('外部連結', 'External link')} />
          </Form.Item>
        </>
      )}
    </>
  );
}
