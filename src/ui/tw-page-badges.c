/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-page-badges.h"

#include <glib/gi18n.h>

#include "tw-trading-summary.h"

struct _TwPageBadges
{
  GObject     parent_instance;

  TwWindow   *window;     /* owns us */
  TwSession  *session;
  GListModel *states;     /* the risk monitor's, watched */
  GListModel *services;   /* the workspace's, watched */
  GPtrArray  *watched;    /* states and services whose "notify" we follow */
  guint       idle_id;
};

G_DEFINE_FINAL_TYPE (TwPageBadges, tw_page_badges, G_TYPE_OBJECT)

static void
update (TwPageBadges *self)
{
  guint n_tripped = 0;
  guint n_failing = 0;
  gboolean halt_failed = self->session != NULL && tw_session_get_halt_failure (self->session) != NULL;
  guint n;

  n = self->states != NULL ? g_list_model_get_n_items (self->states) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (self->states, i);

      n_tripped += tw_trading_summary_n_tripped (state);
    }
  n = self->services != NULL ? g_list_model_get_n_items (self->services) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (self->services, i);
      TwServiceState state = tw_service_get_state (service);

      if (state == TW_SERVICE_STATE_UNREACHABLE || state == TW_SERVICE_STATE_ERROR
          || state == TW_SERVICE_STATE_AUTH_FAILED)
        n_failing++;
    }

  if (halt_failed)
    {
      g_autofree char *description = NULL;

      if (n_tripped > 0)
        /* Translators: the Breakers sidebar badge's description */
        description = g_strdup_printf (ngettext ("Halt All failed, %u breaker tripped",
                                                 "Halt All failed, %u breakers tripped", n_tripped),
                                       n_tripped);
      else
        description = g_strdup (_("Halt All failed"));
      tw_window_set_page_badge (self->window, "breakers", "!", "error", description);
    }
  else if (n_tripped > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", n_tripped);
      g_autofree char *description = g_strdup_printf (ngettext ("%u breaker tripped",
                                                                "%u breakers tripped", n_tripped),
                                                      n_tripped);

      tw_window_set_page_badge (self->window, "breakers", count, "error", description);
    }
  else
    tw_window_set_page_badge (self->window, "breakers", NULL, NULL, NULL);

  if (n_failing > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", n_failing);
      /* Translators: the Overview sidebar badge's description */
      g_autofree char *description = g_strdup_printf (ngettext ("%u service failing",
                                                                "%u services failing", n_failing),
                                                      n_failing);

      tw_window_set_page_badge (self->window, "overview", count, "error", description);
    }
  else
    tw_window_set_page_badge (self->window, "overview", NULL, NULL, NULL);
}

static gboolean
idle_cb (gpointer user_data)
{
  TwPageBadges *self = user_data;

  self->idle_id = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

/* Once per burst of answers. */
static void
queue_update (TwPageBadges *self)
{
  if (self->idle_id == 0)
    self->idle_id = g_idle_add (idle_cb, self);
}

static void
unwatch (TwPageBadges *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

/* A trading state: every answer sets "updated-at", which no badge shows; breakers
 * changing what the badge counts notify "n-tripped". */
static void
state_notify_cb (TwPageBadges *self,
                 GParamSpec   *pspec)
{
  if (g_str_equal (g_param_spec_get_name (pspec), "updated-at"))
    return;
  queue_update (self);
}

static void
watch_model (TwPageBadges *self,
             GListModel   *model,
             const char   *signal,
             GCallback     callback)
{
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    {
      GObject *item = g_list_model_get_item (model, i);

      g_signal_connect_swapped (item, signal, callback, self);
      g_ptr_array_add (self->watched, item);
    }
}

static void
rewatch (TwPageBadges *self)
{
  unwatch (self);
  watch_model (self, self->states, "notify", G_CALLBACK (state_notify_cb));
  watch_model (self, self->services, "notify::state", G_CALLBACK (queue_update));
  queue_update (self);
}

static void
tw_page_badges_dispose (GObject *object)
{
  TwPageBadges *self = TW_PAGE_BADGES (object);

  tw_page_badges_set_session (self, NULL);
  g_clear_handle_id (&self->idle_id, g_source_remove);

  G_OBJECT_CLASS (tw_page_badges_parent_class)->dispose (object);
}

static void
tw_page_badges_finalize (GObject *object)
{
  TwPageBadges *self = TW_PAGE_BADGES (object);

  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_page_badges_parent_class)->finalize (object);
}

static void
tw_page_badges_class_init (TwPageBadgesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_page_badges_dispose;
  object_class->finalize = tw_page_badges_finalize;
}

static void
tw_page_badges_init (TwPageBadges *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
}

TwPageBadges *
tw_page_badges_new (TwWindow *window)
{
  TwPageBadges *self;

  g_return_val_if_fail (TW_IS_WINDOW (window), NULL);

  self = g_object_new (TW_TYPE_PAGE_BADGES, NULL);
  self->window = window;
  return self;
}

void
tw_page_badges_set_session (TwPageBadges *self,
                            TwSession    *session)
{
  TwRiskMonitor *monitor;

  g_return_if_fail (TW_IS_PAGE_BADGES (self));
  g_return_if_fail (session == NULL || TW_IS_SESSION (session));

  if (self->session == session)
    return;
  unwatch (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->states != NULL)
    g_signal_handlers_disconnect_by_data (self->states, self);
  if (self->services != NULL)
    g_signal_handlers_disconnect_by_data (self->services, self);
  g_clear_object (&self->states);
  g_clear_object (&self->services);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      monitor = tw_session_get_risk_monitor (session);
      if (monitor != NULL)
        self->states = g_object_ref (tw_risk_monitor_get_states (monitor));
      self->services = g_object_ref (tw_workspace_get_services (tw_session_get_workspace (session)));
      g_signal_connect_swapped (session, "notify::halt-failure", G_CALLBACK (queue_update), self);
      if (self->states != NULL)
        g_signal_connect_swapped (self->states, "items-changed", G_CALLBACK (rewatch), self);
      g_signal_connect_swapped (self->services, "items-changed", G_CALLBACK (rewatch), self);
    }
  rewatch (self);
}
