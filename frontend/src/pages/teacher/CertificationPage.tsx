import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Badge, Card, Col, Descriptions, Empty, Row, Skeleton, Space, Table, Typography, type TableProps } from 'antd';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { ClassCounts, QueueCourse } from '../../api/types';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatApiTerm } from '../../lib/roc';
import { PeriodText } from '../student/PeriodText';
import { courseClassLabel, courseTitle, groupCoursesByClass, studentClassLabel } from './certification';
import { DelegateTag, NoCertifyTag, StateCountTags, TeacherList, useCertificationQueue } from './CourseInfo';
import { DelegateNotes } from '../../components/DelegateNotes';
import { CourseResults } from './CourseResults';
import { TermChoice, useChosenTerm } from '../../components/TermChoice';
import { useT } from '../../i18n';

function CourseCard({ course }: { course: QueueCourse }) {
  const t = useT();
  const navigate = useNavigate();
  const term = useChosenTerm();
  const to = (classCode?: string) => {
    const query = new URLSearchParams();
    if (classCode !== undefined) query.set('class_code', classCode);
    if (term) query.set('term', term);
    const text = query.toString();
    return `/teacher/certification/${course.course_id}${text ? `?${text}` : ''}`;
  };

  const columns: TableProps<ClassCounts>['columns'] = [
    {
      title: t('學生班級', 'Student class'),
      dataIndex: 'class_code',
      render: (code: string) => (
        <Link to={to(code)} aria-label={t(
            `查看 ${courseTitle(course)} ${studentClassLabel(code)} 的學習成果`,
            `View learning results of ${courseTitle(course)} ${studentClassLabel(code)}`,
          )}
        >
          {studentClassLabel(code)}
        </Link>
      ),
    },
    { title: t('認證中', 'Under certification'), dataIndex: 'submitted', align: 'right' },
    { title: t('認證成功', 'Certified'), dataIndex: 'certified', align: 'right' },
    { title: t('認證失敗', 'Not certified'), dataIndex: 'rejected', align: 'right' },
  ];

  return (
    <Card
      size="small"
      title={
        <Link to={to()} style={{ whiteSpace: 'normal' }}>
          {courseTitle(course)}
        </Link>
      }
      extra={
        course.can_certify ? (
          <Space size={4}>
            {course.as_delegate && <DelegateTag />}
            <Badge count={course.submitted} showZero color={course.submitted > 0 ? 'gold' : 'green'} title={t(`待認證 ${course.submitted} 件`, `${course.submitted} waiting`)} />
          </Space>
        ) : (
          <NoCertifyTag />
        )
      }
      styles={{ title: { whiteSpace: 'normal' } }}
      hoverable
      onClick={(event) => {
        // The card is a shortcut to the course; its own links and buttons go where they say.
        if ((event.target as HTMLElement).closest('a, button')) return;
        void navigate(to());
      }}
      style={{ height: '100%', cursor: 'pointer' }}
      data-testid={`course-${course.course_id}`}
    >
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        <StateCountTags counts={course} />
        <Descriptions
          column={1}
          size="small"
          items={[
            { key: 'class', label: t('開課班級', 'Class'), children: t(
        `${courseClassLabel(course.class_code)}（${course.grade} 年級）`,
        `${courseClassLabel(course.class_code)} (grade ${course.grade})`,
      ),
    },
            {
              key: 'period',
              label: t('認證期間', 'Certification period'),
              children: <PeriodText period={course.period} none={t('學校尚未設定認證時間', 'The school has not set the certification period')} />,
            },
            { key: 'teachers', label: t('授課教師', 'Teachers'), children: <TeacherList teachers={course.teachers} /> },
            ...(course.delegates.length > 0
              ? [{ key: 'delegates', label: t('代理認證教師', 'Delegate certifier'), children: <DelegateNotes delegates={course.delegates} /> }]
              : []),
          ]}
        />
        {course.classes.length > 1 && (
          <Table<ClassCounts>
            rowKey="class_code"
            size="small"
            columns={columns}
            dataSource={course.classes}
            pagination={false}
          />
        )}
      </Space>
    </Card>
  );
}

/**
 * What certifying means (meeting 003 #23: 「教師應是認證『真偽』而非好壞」;「課程學習成果教師認證目的在於
 * 確認課程學習成果作品是否為上傳學生本人」), on the overview and on each course; the reminder mail
 * says the same (`certification::rules::MEANING_ZH`).
 */
export function CertificationMeaning() {
  const t = useT();
  return (
    <Alert
      type="info"
      showIcon
      role="note"
      style={{ marginBottom: 16 }}
      title={t('認證的是真偽，不是好壞', 'Certification checks authenticity, not quality')}
      description={t(
        '認證是確認這份課程學習成果確為學生本人的作品（真偽），不是評定作品的好壞；學習表現的良窳請在教學活動中指導。作品確為學生本人所作，即可認證成功。',
        "Certifying confirms that the learning result is the student's own work (authenticity); it does not grade how good the work is. Guide the quality of the work in your teaching. If the work is the student's own, certify it.",
      )}
    />
  );
}

/** The overview: the term's courses grouped by class, each with its counts, period and teachers. */
function Overview() {
  const t = useT();
  const queue = useCertificationQueue();
  const groups = queue.data ? groupCoursesByClass(queue.data.courses) : [];
  const waiting = queue.data?.waiting ?? 0;

  return (
    <PageCard
      title={t('學習成果認證', 'Certify learning results')}
      intro={
        <>
          {queue.data ? `${formatApiTerm(queue.data.term)}` : t('本學期', 'This term')}
          {t('您任教課程中學生送出認證的課程學習成果。點選課程查看內容並認證；合開課程中學校設定為「不審核」的教師只能查看。時間為臺灣時間。', 'Course learning results that students of your courses submitted for certification. Choose a course to view and certify them; in co-taught courses, teachers the school set as non-certifying can only view. Times are Taiwan time.')}
        </>
      }
    >
      <CertificationMeaning />
      <TermChoice />
      <ErrorAlert error={queue.error} />
      {queue.isPending && <Skeleton active />}
      {queue.data && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Space size="middle" wrap data-testid="waiting-total">
            <Typography.Text strong>{t('待您認證', 'Waiting for you')}</Typography.Text>
            <Badge count={waiting} showZero overflowCount={9999} color={waiting > 0 ? 'gold' : 'green'} />
            <Typography.Text type="secondary">{waiting > 0
            ? t(`共 ${waiting} 件等待認證`, `${waiting} waiting for certification`)
            : t('目前沒有等待認證的學習成果', 'No learning results are waiting for certification')}</Typography.Text>
          </Space>
          {groups.length === 0 && <Empty description={t('本學期沒有任教的課程', 'You teach no courses this term')} />}
          {/* The classes side by side, their courses stacked (issue #24: one course per class row
              left two thirds of the width empty). */}
          <Row gutter={[16, 24]} data-testid="class-groups">
            {groups.map((group) => (
              <Col key={group.classCode} xs={24} lg={12} xxl={8}>
                <section aria-label={t(`${group.label} 的課程`, `Courses of ${group.label}`)}>
                  <Typography.Title level={5} style={{ marginTop: 0 }}>
                    {group.classCode ? t(`${group.label} 班`, `Class ${group.label}`) : group.label}
                    {group.waiting > 0 && (
                      <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
                        {t(`（待認證 ${group.waiting} 件）`, ` (${group.waiting} waiting)`)}
                      </Typography.Text>
                    )}
                  </Typography.Title>
                  <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                    {group.courses.map((course) => (
                      <CourseCard key={course.course_id} course={course} />
                    ))}
                  </Space>
                </section>
              </Col>
            ))}
          </Row>
        </Space>
      )}
    </PageCard>
  );
}

/** One course (deep link `/teacher/certification/:courseId`): its summary and its students' results. */
function CourseView({ courseId }: { courseId: number }) {
  const t = useT();
  const queue = useCertificationQueue();
  const [searchParams] = useSearchParams();
  const term = useChosenTerm();
  const course = queue.data?.courses.find((candidate) => candidate.course_id === courseId);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to={term ? `/teacher/certification?term=${term}` : '/teacher/certification'}>
        <ArrowLeftOutlined /> {t('返回課程列表', 'Back to courses')}
      </Link>
      <CertificationMeaning />
      <ErrorAlert error={queue.error} />
      {queue.isPending && (
        <Card>
          <Skeleton active />
        </Card>
      )}
      {queue.data && !course && (
        <Card>
          <Empty description={t('找不到這門課程，或不是您本學期任教的課程。', 'This course was not found, or you do not teach it this term.')} />
        </Card>
      )}
      {course && <CourseResults key={course.course_id} course={course} initialClass={searchParams.get('class_code') ?? undefined} />}
    </Space>
  );
}

/**
 * 學習成果認證 (subject teachers): `/teacher/certification` is the overview of the term's
 * courses; `/teacher/certification/:courseId` (linked from the reminder mails too) lists one
 * course's results to certify, one at a time or many at once.
 */
export function CertificationPage() {
  const t = useT();
  const { courseId } = useParams();
  const id = courseId === undefined ? NaN : Number(courseId);
  if (courseId !== undefined) {
    return Number.isInteger(id) && id > 0 ? (
      <CourseView courseId={id} />
    ) : (
      <Card>
        <Empty description={t('課程編號不正確。', 'Invalid course number.')} />
        <Link to="/teacher/certification">{t('返回課程列表', 'Back to courses')}</Link>
      </Card>
    );
  }
  return <Overview />;
}
