/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The fixture of the service-page tests in core (test-service-details,
 * test-service-endpoints): the simulator's risk fixture, an alert engine whose alerts
 * are kept, and helpers to read a service's details. Included by one test file each. */

#include "tw-alert-private.h"
#include "tw-risk-fixture.h"
#include "tw-service-details.h"

typedef struct
{
  RiskFixture    f;
  TwAlertEngine *engine;
  GPtrArray     *alerts;
} Fixture;

static void
service_details_on_alert (TwAlertEngine *engine,
          TwAlert       *alert,
          Fixture       *fx)
{
  g_test_message ("alert [%s] %s — %s", tw_alert_get_key (alert), tw_alert_get_title (alert),
                  tw_alert_get_body (alert));
  g_ptr_array_add (fx->alerts, g_object_ref (alert));
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  risk_fixture_setup (&fx->f, TW_MODE_PAPER, 60 * 1000);
  fx->engine = tw_alert_engine_new (fx->f.workspace, fx->f.monitor, fx->f.runner);
  fx->alerts = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (fx->engine, "alert", G_CALLBACK (service_details_on_alert), fx);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_pointer (&fx->alerts, g_ptr_array_unref);
  g_clear_object (&fx->engine);
  risk_fixture_teardown (&fx->f);
}

static TwServiceDetails *
details_for (Fixture    *fx,
             const char *service_id)
{
  TwClient *client = tw_workspace_get_client (fx->f.workspace, service_id);

  g_assert_nonnull (client);
  return tw_service_details_new (client, fx->engine);
}

/* Reads @details once and waits for every section it has. */
static void
read_all (TwServiceDetails *details)
{
  tw_service_details_refresh (details);
  for (guint s = 0; s < TW_DETAIL_N_SECTIONS; s++)
    if (tw_service_details_has_section (details, s))
      tw_test_wait_until (tw_service_details_is_loaded (details, s), 10000);
}

static TwDetailItem *
find_item (TwServiceDetails *details,
           TwDetailSection   section,
           const char       *name)
{
  GListModel *items = tw_service_details_get_items (details, section);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(TwDetailItem) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (tw_detail_item_get_name (item), name) == 0)
        return item;  /* the list holds it */
    }
  return NULL;
}

static gboolean
has_alert (Fixture    *fx,
           const char *key)
{
  for (guint i = 0; i < fx->alerts->len; i++)
    if (g_str_equal (tw_alert_get_key (g_ptr_array_index (fx->alerts, i)), key))
      return TRUE;
  return FALSE;
}
