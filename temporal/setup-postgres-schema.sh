#!/bin/sh
# Creates or upgrades the Temporal server's two PostgreSQL databases (history and visibility) to
# the schema that ships with the server, before the server starts. Every step is idempotent, so
# docker-compose.yml runs it on each `up`; `npm run test:production` runs the same script against
# its own PostgreSQL. temporal-sql-tool reads the connection from SQL_PLUGIN, SQL_HOST, SQL_PORT,
# SQL_USER and SQL_PASSWORD.
#   TEMPORAL_SCHEMA_DIR: the postgresql/v12 schema folder (default: inside temporalio/admin-tools;
#     outside it, the go.temporal.io/server module's schema/postgresql/v12)
#   TEMPORAL_SQL_TOOL: the tool (default temporal-sql-tool; `go install .../cmd/tools/sql` names it sql)
set -eu

SCHEMA_DIR="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
SQL_TOOL="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"

# database name, schema folder
setup() {
  echo "setup-postgres-schema: $1"
  "$SQL_TOOL" --db "$1" create-database
  "$SQL_TOOL" --db "$1" setup-schema -v 0.0
  "$SQL_TOOL" --db "$1" update-schema -d "$SCHEMA_DIR/$2/versioned"
}

setup temporal temporal
setup temporal_visibility visibility
echo "setup-postgres-schema: done"
