/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Conformance tests: a tiny HTTP server on 127.0.0.1 that answers with the runbooks' own
 * examples, never with the simulator. A system's examples are the files
 * tests/fixtures/runbooks/SYSTEM/NAME.json, each one request and its answer:
 *
 *   {
 *     "source": "000_investiq_runbook.txt, Circuit Breaker Recovery",
 *     "method": "GET",
 *     "path": "/api/risk/circuit-breakers",
 *     "status": 200,
 *     "partial": true,
 *     "body": { ... the runbook's example, exactly ... }
 *   }
 *
 * "source" names the seed file and section the example is copied from; "partial" says
 * the runbook shows only some fields ("Response includes: …"), so the body holds just
 * those. "status" defaults to 200, "body" to an empty answer. The server matches method
 * and path (the query is ignored) and answers 404 {"detail": "Not Found"} otherwise. It
 * records every request, so a test can check the headers a connector sent. The same
 * fixtures serve to check the simulator (tw_fixture_server_get_fixtures()). */

typedef struct _TwFixtureServer TwFixtureServer;

typedef struct
{
  char     *file;     /* the fixture's file name, for messages */
  char     *source;
  char     *method;
  char     *path;
  guint     status;
  gboolean  partial;
  JsonNode *body;     /* NULL for an empty answer */
  char     *content_type;  /* a text answer ("content_type"): body is its text; NULL for JSON */
} TwFixture;

/* Loads @system's fixtures (asserting each is well-formed) and listens on loopback. */
TwFixtureServer *tw_fixture_server_new            (const char      *system);
void             tw_fixture_server_free           (TwFixtureServer *self);
/* "http://127.0.0.1:PORT" */
const char      *tw_fixture_server_get_url        (TwFixtureServer *self);
/* (element-type TwFixture) (transfer none) in file-name order */
GPtrArray       *tw_fixture_server_get_fixtures   (TwFixtureServer *self);
/* (nullable) the fixture for @method @path */
const TwFixture *tw_fixture_server_lookup         (TwFixtureServer *self,
                                                   const char      *method,
                                                   const char      *path);
/* How many requests @method @path reached the server. */
guint            tw_fixture_server_count          (TwFixtureServer *self,
                                                   const char      *method,
                                                   const char      *path);
/* (nullable) header @name of the last request for @method @path; NULL when the header
 * was absent or no such request came. */
const char      *tw_fixture_server_last_header    (TwFixtureServer *self,
                                                   const char      *method,
                                                   const char      *path,
                                                   const char      *name);
/* (nullable) the body of the last request for @method @path, parsed; NULL if none. */
JsonNode        *tw_fixture_server_last_body      (TwFixtureServer *self,
                                                   const char      *method,
                                                   const char      *path);

/* Asserts that @actual has @expected's shape: every member of each object of @expected is
 * in @actual with the same JSON type (any number matches any number), recursively; for
 * arrays, each element of @actual has the shape of @expected's first element. Values are
 * not compared: this checks the simulator's answers against a runbook's example.
 * @where names the comparison in the failure message. */
void             tw_fixture_assert_same_shape     (JsonNode        *expected,
                                                   JsonNode        *actual,
                                                   const char      *where);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwFixtureServer, tw_fixture_server_free)

G_END_DECLS
