/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/stat.h>

#include "tw-sim.h"
#include "tw-sim-firm.h"
#include "tw-test-util.h"

/* What test-sim-risk.c and test-sim-risk-services.c share: a simulator per test with
 * its own kill-switch state directory, and helpers for exact answers. */

/* Each test gets its own state directory, so a kill switch left on stays in its test. */
typedef struct
{
  char        *state_dir;
  TwSimThread *sim;
} Fixture;

static void
rm_rf (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

G_GNUC_UNUSED static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->state_dir = g_dir_make_tmp ("test-sim-risk-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("TW_SIM_STATE_DIR", f->state_dir, TRUE);
  g_unsetenv ("KILL_SWITCH_ENABLED");
  f->sim = tw_test_sim_start ();
}

G_GNUC_UNUSED static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->sim, tw_sim_thread_stop);
  g_unsetenv ("KILL_SWITCH_ENABLED");
  g_unsetenv ("TW_SIM_STATE_DIR");
  rm_rf (f->state_dir);
  g_free (f->state_dir);
}

G_GNUC_UNUSED static void
restart (Fixture *f)
{
  tw_sim_thread_stop (f->sim);
  f->sim = tw_test_sim_start ();
}

/* GET @path, asserting 200; the object. */
G_GNUC_UNUSED static JsonNode *
get_ok (Fixture    *f,
        const char *flavor,
        const char *path)
{
  guint status = 0;
  JsonNode *node = tw_test_sim_request_full (f->sim, flavor, "GET", path, NULL, &status);

  g_assert_cmpuint (status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return node;
}

/* @method @path with @body: asserts the status and the exact body text. */
G_GNUC_UNUSED static void
assert_answer (Fixture    *f,
               const char *flavor,
               const char *method,
               const char *path,
               const char *body,
               guint       want_status,
               const char *want_body)
{
  guint status = 0;
  g_autofree char *text = tw_test_sim_request_text (f->sim, flavor, method, path, body, &status);

  g_assert_cmpuint (status, ==, want_status);
  if (want_body != NULL)
    g_assert_cmpstr (text, ==, want_body);
}

G_GNUC_UNUSED static void
assert_rfc3339 (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;

  g_assert_nonnull (text);
  dt = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (dt);
}

G_GNUC_UNUSED static gboolean
member_is_null (JsonObject *o,
                const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_NULL (node);
}

G_GNUC_UNUSED static void
assert_double (JsonObject *o,
               const char *name,
               double      want)
{
  g_assert_true (json_object_has_member (o, name));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, name), want, 0.006);
}

