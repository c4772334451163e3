-- The 'delivery-log' profile's table (tests only, PostgreSQL): one row per hand-over of a page view to
-- the database, committed with the MERGE that stores it, so that duplicates the MERGE hides are counted.
create table if not exists page_view_deliveries (
    id   uuid          not null,
    path varchar(2048) not null
);
