#!/bin/sh
# Creates or upgrades the Temporal server's two PostgreSQL databases (history and visibility) to
# the schema the temporalio/admin-tools image ships, before temporalio/server starts. Every step is
# idempotent, so docker-compose.yml runs it on each `up`. temporal-sql-tool reads the connection
# from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD.
set -eu

SCHEMA_DIR=/etc/temporal/schema/postgresql/v12 # inside temporalio/admin-tools

# database name, schema folder
setup() {
  echo "setup-postgres-schema: $1"
  temporal-sql-tool --db "$1" create-database
  temporal-sql-tool --db "$1" setup-schema -v 0.0
  temporal-sql-tool --db "$1" update-schema -d "$SCHEMA_DIR/$2/versioned"
}

setup temporal temporal
setup temporal_visibility visibility
echo "setup-postgres-schema: done"
