-- Created at startup by Spring Boot's SQL initialization (spring.sql.init.mode: always).
-- Written once for both databases: H2 2.x and PostgreSQL 15 or newer.

create table if not exists page_views (
    id          uuid                     primary key, -- given when the page view is accepted
    user_id     varchar(100)             not null,
    path        varchar(2048)            not null,
    received_at timestamp with time zone not null
);

create table if not exists user_presence (
    user_id    varchar(100)             primary key,
    status     varchar(32)              not null,
    seen_at    bigint                   not null, -- the heartbeat's "at", epoch milliseconds; the newest wins
    updated_at timestamp with time zone not null
);
