/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-application.h"
#include "tw-demo.h"
#include "tw-test-ui.h"
#include "tw-test-util.h"

G_BEGIN_DECLS

/* The risk-controls UI tests: one TwApplication per program (as in real life) with the
 * demo profile on a simulator of the test's own, polling every @interval_ms. */
typedef struct
{
  TwApplication *app;
  TwSimThread   *sim;
  TwSecrets     *secrets;
  TwProfile     *profile;
  TwWindow      *window;
  /* Set before app_fixture_open: keep the demo's cron bot (test-cron-bot-ui); the other
   * tests count the services of the simulator alone. */
  gboolean       with_cron_bot;
} AppFixture;

/* g_test_init + XDG_DATA_DIRS for icons + the application, registered non-unique. */
TwApplication *app_fixture_init          (int          *argc,
                                          char       ***argv);
void           app_fixture_open          (AppFixture   *f,
                                          TwApplication *app,
                                          TwMode        mode,
                                          guint         interval_ms);
void           app_fixture_close         (AppFixture   *f);
/* POST /_sim/scenario; asserts it was accepted. */
void           app_scenario              (AppFixture   *f,
                                          const char   *json);
/* Requests that change something (not GET, not /_sim) on @flavor (NULL: any). */
guint          app_changing_requests     (AppFixture   *f,
                                          const char   *flavor);
void           app_clear_requests        (AppFixture   *f);
/* Refreshes the monitor and waits until @service_id's halted flag is @halted; for a
 * service whose state is not reported (AI trading), until this console's last action on
 * it is (halted) or is not (not halted) a successful halt or emergency stop. */
gboolean       app_wait_halted           (AppFixture   *f,
                                          const char   *service_id,
                                          gboolean      halted,
                                          guint         timeout_ms);
/* Waits until @service_id (NULL: every service) answered its trading state @n more times
 * (the monitor refreshed first): what those answers set off has run by then, the proof
 * that a quiet period passed. */
gboolean       app_wait_answers          (AppFixture   *f,
                                          const char   *service_id,
                                          guint         n,
                                          guint         timeout_ms);
/* Waits until every service of the profile answered its trading state at least once. */
gboolean       app_wait_states_known     (AppFixture   *f,
                                          guint         timeout_ms);
/* Waits a frame, saves $TW_SCREENSHOT_DIR/@name, asserts the file exists; returns its path. */
char          *app_save_png              (GtkWidget    *widget,
                                          const char   *name);
/* Saves @name-light.png and @name-dark.png. */
void           app_save_png_light_dark   (GtkWidget    *widget,
                                          const char   *name);

G_END_DECLS
