-- The service catalog: each service's key, category and status line, its
-- description's sections 1–6 (Markdown as written), and the roles of
-- section 7, each held by a person, a team or an organisation's name.
ALTER TABLE services ADD COLUMN key TEXT;
CREATE UNIQUE INDEX services_key ON services (key) WHERE key IS NOT NULL;
ALTER TABLE services ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN status_line TEXT;

CREATE TABLE service_sections (
    service_id BIGINT NOT NULL REFERENCES services(id),
    section    TEXT NOT NULL CHECK (section IN ('description', 'included', 'expectations', 'cost', 'contribute', 'more_info')),
    body       TEXT NOT NULL,
    PRIMARY KEY (service_id, section)
);

CREATE TABLE service_roles (
    service_id BIGINT NOT NULL REFERENCES services(id),
    role       TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'operations')),
    holder     TEXT NOT NULL,
    PRIMARY KEY (service_id, role)
);
