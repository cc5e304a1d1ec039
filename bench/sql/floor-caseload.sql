-- The floor: the coach's caseload page as the complete GraphQL response body, in ONE
-- statement, access log included (a data-modifying CTE). Same policy as the hub:
--   rows: persons with an active REFERRAL or JOB_CENTRE_ENROLMENT link to the viewer's
--         job centre (and to the filter's job centre), ordered by id, first $5;
--   fields: identity (withheld for protected identity: a job centre never owns one),
--         financialAid (active + support barrier), jobCentre (open enrolment, else latest),
--         sfi and employmentService only with a consent valid today (Stockholm date) that
--         names the viewer's organisation with scope SFI / EMPLOYMENT_SERVICE; denied fields
--         are null with a FORBIDDEN error on their path, as the hub answers.
--   access log: one row per returned person with the field groups that resolved.
-- $1 viewer org, $2 request id, $3 viewer sub, $4 filter jobCentreId, $5 page size,
-- $6 operation name.
WITH v AS (
  SELECT $1::text AS org, (now() AT TIME ZONE 'Europe/Stockholm')::date AS today
),
-- The page from the person index first, as the hub reads it: the viewer's job centre's
-- active links in person order (person_link_org_person_idx), the first $5 persons that
-- are also linked to the filter's job centre (implied when it is the viewer's own), then
-- their person rows. Reading and sorting every link of the centre instead is O(caseload).
page AS (
  SELECT p.id, p.given_name, p.family_name, p.protected_identity
    FROM person p
    JOIN (SELECT DISTINCT l.person_id FROM person_link l
           WHERE l.active AND l.organisation_id = $1::text
             AND l.relation IN ('REFERRAL', 'JOB_CENTRE_ENROLMENT')
             AND ($4::text = $1::text OR EXISTS (
                   SELECT 1 FROM person_link f
                    WHERE f.person_id = l.person_id AND f.active AND f.organisation_id = $4::text
                      AND f.relation IN ('REFERRAL', 'JOB_CENTRE_ENROLMENT')))
          ORDER BY 1
          LIMIT $5::int) visible ON visible.person_id = p.id
),
r AS (
  SELECT pg.*, (row_number() OVER (ORDER BY pg.id) - 1)::int AS i,
         'SFI' = ANY (c.scopes) AS sfi_ok,
         'EMPLOYMENT_SERVICE' = ANY (c.scopes) AS es_ok,
         fa.status AS fa_status, fa.support_barrier,
         jc.id AS enrolment_id, jc.coach, jc.status AS jc_status, jc.first_visit_at
    FROM page pg
    CROSS JOIN v
    LEFT JOIN LATERAL (
      SELECT coalesce(array_agg(DISTINCT s), '{}') AS scopes
        FROM consent cs, unnest(cs.scope) s
       WHERE cs.person_id = pg.id AND cs.withdrawn_at IS NULL
         AND v.today BETWEEN cs.valid_from AND cs.valid_until AND v.org = ANY (cs.parties)
    ) c ON true
    LEFT JOIN LATERAL (
      SELECT a.status, a.support_barrier FROM socialtjanst.assistance_case a
       WHERE a.person_id = pg.id
       ORDER BY (a.status = 'ACTIVE') DESC, a.period_start DESC LIMIT 1
    ) fa ON true
    LEFT JOIN LATERAL (
      SELECT e.id, e.coach, e.status, e.first_visit_at FROM jobbtorg.enrolment e
       WHERE e.person_id = pg.id
       ORDER BY (e.status <> 'CLOSED') DESC, e.first_visit_at DESC NULLS LAST LIMIT 1
    ) jc ON true
),
logged AS (
  INSERT INTO access_log (request_id, actor_sub, actor_role, actor_org, person_id, action,
                          operation, field_groups, purpose)
  SELECT $2::text, $3::text, 'JOB_CENTRE_COACH', $1::text, r.id, 'READ', $6::text,
         array_remove(ARRAY[CASE WHEN r.es_ok THEN 'employmentService' END,
                            CASE WHEN r.fa_status IS NOT NULL THEN 'financialAid' END,
                            'identity', 'jobCentre',
                            CASE WHEN r.sfi_ok THEN 'sfi' END], NULL),
         'case-handling'
    FROM r
),
nodes AS (
  SELECT r.i, json_build_object(
    'id', r.id,
    'givenName', CASE WHEN r.protected_identity THEN NULL ELSE r.given_name END,
    'familyName', CASE WHEN r.protected_identity THEN NULL ELSE r.family_name END,
    'protectedIdentity', r.protected_identity,
    'financialAid', CASE WHEN r.fa_status IS NULL THEN NULL ELSE json_build_object(
        'active', r.fa_status = 'ACTIVE',
        'supportBarrier', json_build_object('code', r.support_barrier, 'label',
          coalesce((SELECT ce.label FROM code_entry ce
                     WHERE ce.list = 'supportBarrier' AND ce.code = r.support_barrier),
                   r.support_barrier))) END,
    'jobCentre', CASE WHEN r.enrolment_id IS NULL THEN NULL ELSE json_build_object(
        'coach', r.coach,
        'status', r.jc_status,
        'firstVisitAt', to_char(r.first_visit_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'currentPlan', (SELECT json_build_object('kind', pl.kind, 'status', pl.status, 'validTo', pl.valid_to)
                          FROM jobbtorg.plan pl WHERE pl.enrolment_id = r.enrolment_id
                         ORDER BY pl.valid_from DESC LIMIT 1)) END,
    'sfi', CASE WHEN NOT r.sfi_ok THEN NULL ELSE coalesce(
        (SELECT json_agg(json_build_object('course', json_build_object('code', s.course),
                                           'status', s.status) ORDER BY s.start_date DESC)
           FROM sfi.enrolment s WHERE s.person_id = r.id), '[]') END,
    'employmentService', CASE WHEN NOT r.es_ok THEN NULL ELSE (
        SELECT json_build_object(
          'registered', j.registered,
          'category', CASE WHEN j.category_code IS NULL THEN NULL ELSE json_build_object('label',
              coalesce((SELECT ce.label FROM code_entry ce
                         WHERE ce.list = 'afCategory' AND ce.code = j.category_code), j.category_code)) END,
          'programme', (SELECT json_build_object('label', coalesce(ce.label, a.programme_code))
                          FROM arbetsformedlingen.programme_assignment a
                          LEFT JOIN code_entry ce ON ce.list = 'afProgramme' AND ce.code = a.programme_code
                         WHERE a.person_id = r.id AND a.end_date IS NULL
                         ORDER BY a.start_date DESC LIMIT 1),
          'fetchedAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'stale', false)
          FROM arbetsformedlingen.job_seeker j WHERE j.person_id = r.id) END) AS node
    FROM r
),
errs AS (
  SELECT r.i, f.field, f.message, f.field_group, f.requires
    FROM r
    CROSS JOIN LATERAL (VALUES
      ('givenName', r.protected_identity, 'Protected identity: withheld outside the owning district', 'identity', 'owning-district'),
      ('familyName', r.protected_identity, 'Protected identity: withheld outside the owning district', 'identity', 'owning-district'),
      ('sfi', NOT r.sfi_ok, 'Needs the person’s consent (scope SFI) naming your organisation', 'sfi', 'consent:SFI'),
      ('employmentService', NOT r.es_ok, 'Needs the person’s consent (scope EMPLOYMENT_SERVICE) naming your organisation', 'employmentService', 'consent:EMPLOYMENT_SERVICE')
    ) AS f(field, denied, message, field_group, requires)
   WHERE f.denied
)
-- Data-modifying CTEs run once whether referenced or not: `logged` needs no reference.
SELECT (CASE WHEN x.errors IS NULL THEN json_build_object('data', x.data)
             ELSE json_build_object('errors', x.errors, 'data', x.data) END)::text AS body
  FROM (SELECT
          (SELECT json_agg(json_build_object(
                    'message', e.message,
                    'path', json_build_array('persons', 'edges', e.i, 'node', e.field),
                    'extensions', json_build_object('fieldGroup', e.field_group,
                                                    'requires', e.requires, 'code', 'FORBIDDEN'))
                    ORDER BY e.field, e.i)
             FROM errs e) AS errors,
          json_build_object('persons', json_build_object('edges',
            coalesce((SELECT json_agg(json_build_object('node', n.node) ORDER BY n.i) FROM nodes n),
                     '[]'))) AS data) x
