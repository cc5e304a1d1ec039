-- The peer's schema for PostGraphile 5: what PostGraphile exposes is the schema bench_peer.
-- PostGraphile's automatic CRUD schema cannot express the hub's policy (row scope by
-- person_link, consent-gated field groups, protected identity, an access-log row per
-- returned person), so the caseload is a PostgreSQL function, the way PostGraphile
-- documents custom queries: bench_peer.caseload(job_centre_id, page_size) becomes the root
-- field `caseload(jobCentreId:, pageSize:)`, a connection of CaseloadPerson rows whose
-- per-source columns are JSON. The viewer comes from the JWT claims that the peer server
-- verifies and passes as pgSettings (jwt.claims.*), the usual PostGraphile pattern.
-- Denied groups are null (PostGraphile has no per-field FORBIDDEN error from SQL); the
-- access log is written by a VOLATILE function in a schema PostGraphile does not expose.
DROP SCHEMA IF EXISTS bench_peer CASCADE;
DROP SCHEMA IF EXISTS bench_peer_private CASCADE;
CREATE SCHEMA bench_peer;
CREATE SCHEMA bench_peer_private;

CREATE TYPE bench_peer.caseload_person AS (
  id uuid,
  given_name text,
  family_name text,
  protected_identity boolean,
  financial_aid json,
  job_centre json,
  sfi json,
  employment_service json
);

CREATE FUNCTION bench_peer_private.log_caseload(org text, sub text, ids uuid[], groups text[])
RETURNS void LANGUAGE sql VOLATILE AS $$
  INSERT INTO access_log (request_id, actor_sub, actor_role, actor_org, person_id, action,
                          operation, field_groups, purpose)
  SELECT req.id, sub, 'JOB_CENTRE_COACH', org, x.p, 'READ', 'Caseload',
         string_to_array(x.g, ','), 'case-handling'
    FROM (SELECT gen_random_uuid()::text AS id) req, unnest(ids, groups) AS x(p, g)
$$;

CREATE FUNCTION bench_peer.caseload(job_centre_id text, page_size int)
RETURNS SETOF bench_peer.caseload_person LANGUAGE plpgsql STABLE AS $$
DECLARE
  org text := current_setting('jwt.claims.org', true);
  sub text := current_setting('jwt.claims.sub', true);
  viewer_role text := current_setting('jwt.claims.role', true);
  today date := (now() AT TIME ZONE 'Europe/Stockholm')::date;
  persons bench_peer.caseload_person[];
  ids uuid[];
  groups text[];
BEGIN
  IF viewer_role IS DISTINCT FROM 'JOB_CENTRE_COACH' OR org IS NULL THEN
    RAISE EXCEPTION 'Not available to your role' USING ERRCODE = '42501';
  END IF;
  SELECT array_agg(ROW(r.id,
           CASE WHEN r.protected_identity THEN NULL ELSE r.given_name END,
           CASE WHEN r.protected_identity THEN NULL ELSE r.family_name END,
           r.protected_identity,
           CASE WHEN r.fa_status IS NULL THEN NULL ELSE json_build_object(
             'active', r.fa_status = 'ACTIVE',
             'supportBarrier', json_build_object('code', r.support_barrier, 'label',
               coalesce((SELECT ce.label FROM code_entry ce
                          WHERE ce.list = 'supportBarrier' AND ce.code = r.support_barrier),
                        r.support_barrier))) END,
           CASE WHEN r.enrolment_id IS NULL THEN NULL ELSE json_build_object(
             'coach', r.coach,
             'status', r.jc_status,
             'firstVisitAt', to_char(r.first_visit_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'currentPlan', (SELECT json_build_object('kind', pl.kind, 'status', pl.status, 'validTo', pl.valid_to)
                               FROM jobbtorg.plan pl WHERE pl.enrolment_id = r.enrolment_id
                              ORDER BY pl.valid_from DESC LIMIT 1)) END,
           CASE WHEN NOT r.sfi_ok THEN NULL ELSE coalesce(
             (SELECT json_agg(json_build_object('course', json_build_object('code', s.course),
                                                'status', s.status) ORDER BY s.start_date DESC)
                FROM sfi.enrolment s WHERE s.person_id = r.id), '[]') END,
           CASE WHEN NOT r.es_ok THEN NULL ELSE (
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
               FROM arbetsformedlingen.job_seeker j WHERE j.person_id = r.id) END
         )::bench_peer.caseload_person ORDER BY r.id),
         array_agg(r.id ORDER BY r.id),
         array_agg(array_to_string(array_remove(ARRAY[
             CASE WHEN r.es_ok THEN 'employmentService' END,
             CASE WHEN r.fa_status IS NOT NULL THEN 'financialAid' END,
             'identity', 'jobCentre',
             CASE WHEN r.sfi_ok THEN 'sfi' END], NULL), ',') ORDER BY r.id)
    INTO persons, ids, groups
    FROM (
      SELECT pg.*,
             'SFI' = ANY (c.scopes) AS sfi_ok,
             'EMPLOYMENT_SERVICE' = ANY (c.scopes) AS es_ok,
             fa.status AS fa_status, fa.support_barrier,
             jc.id AS enrolment_id, jc.coach, jc.status AS jc_status, jc.first_visit_at
        FROM (SELECT p.id, p.given_name, p.family_name, p.protected_identity
                FROM person p
                JOIN (SELECT DISTINCT l.person_id FROM person_link l
                       WHERE l.active AND l.organisation_id = org
                         AND l.relation IN ('REFERRAL', 'JOB_CENTRE_ENROLMENT')
                         AND (job_centre_id = org OR EXISTS (
                               SELECT 1 FROM person_link f
                                WHERE f.person_id = l.person_id AND f.active
                                  AND f.organisation_id = job_centre_id
                                  AND f.relation IN ('REFERRAL', 'JOB_CENTRE_ENROLMENT')))
                      ORDER BY 1
                      LIMIT page_size) visible ON visible.person_id = p.id) pg
        LEFT JOIN LATERAL (
          SELECT coalesce(array_agg(DISTINCT s), '{}') AS scopes
            FROM consent cs, unnest(cs.scope) s
           WHERE cs.person_id = pg.id AND cs.withdrawn_at IS NULL
             AND today BETWEEN cs.valid_from AND cs.valid_until AND org = ANY (cs.parties)
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
    ) r;
  IF ids IS NULL THEN
    RETURN;
  END IF;
  -- The read is logged before the rows leave, as the hub does; a failing insert fails the query.
  PERFORM bench_peer_private.log_caseload(org, sub, ids, groups);
  RETURN QUERY SELECT * FROM unnest(persons);
END
$$;
