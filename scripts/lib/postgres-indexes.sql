-- FerretDB 1.24 (pg handler) filters with `_jsonb->'field' @> '"value"'`, which its own btree indexes on
-- `(_jsonb->'field')` cannot serve, so every lookup scans the table. For each btree index FerretDB creates on
-- such expressions (including the unique `_id` index) this keeps a GIN twin (jsonb_path_ops) on the same
-- expressions, which the `@>` filters do use. Installed by scripts/lib/postgres-indexes.mjs; idempotent.
CREATE OR REPLACE FUNCTION itinera_gin_twin_name(btree_name text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT left(btree_name, 59) || '_gin' $$;

CREATE OR REPLACE FUNCTION itinera_add_gin_twin(btree_index oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  idx record;
  cols text := '';
  expr text;
BEGIN
  SELECT i.indexrelid, i.indnatts, c.relname AS index_name, t.relname AS table_name, n.nspname AS schema_name,
         am.amname
    INTO idx
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = c.relam
   WHERE i.indexrelid = btree_index;
  IF idx IS NULL OR idx.amname <> 'btree' OR idx.table_name LIKE '\_ferretdb\_%' THEN
    RETURN;
  END IF;
  FOR k IN 1..idx.indnatts LOOP
    expr := pg_get_indexdef(idx.indexrelid, k, true);
    IF expr !~ '^\(*_jsonb ->' THEN
      RETURN;
    END IF;
    cols := cols || CASE WHEN k > 1 THEN ', ' ELSE '' END || '(' || expr || ') jsonb_path_ops';
  END LOOP;
  -- fastupdate off: a pending list would be scanned linearly by every lookup until the next vacuum
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s) WITH (fastupdate = off)',
                 itinera_gin_twin_name(idx.index_name), idx.schema_name, idx.table_name, cols);
END $$;

CREATE OR REPLACE FUNCTION itinera_on_create_index() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  cmd record;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands()
              WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    PERFORM itinera_add_gin_twin(cmd.objid);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION itinera_on_drop_index() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  obj record;
BEGIN
  FOR obj IN SELECT schema_name, object_name FROM pg_event_trigger_dropped_objects()
              WHERE object_type = 'index' AND object_name NOT LIKE '%\_gin' LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', obj.schema_name, itinera_gin_twin_name(obj.object_name));
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS itinera_gin_twin_create;
CREATE EVENT TRIGGER itinera_gin_twin_create ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION itinera_on_create_index();
DROP EVENT TRIGGER IF EXISTS itinera_gin_twin_drop;
CREATE EVENT TRIGGER itinera_gin_twin_drop ON sql_drop WHEN TAG IN ('DROP INDEX')
  EXECUTE FUNCTION itinera_on_drop_index();

-- indexes created before this was installed
SELECT itinera_add_gin_twin(i.indexrelid)
  FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');
