/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-orders-page.h"
#include "tw-orders-page-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tw-client.h"
#include "tw-guard-dialog.h"
#include "tw-trading-cells.h"
#include "tw-narrow.h"
#include "tw-trading-format.h"
#include "tw-ui-util.h"
#include "tw-window.h"

struct _TwOrdersPage
{
  AdwBin              parent_instance;

  TwPortfolio        *portfolio;
  TwPortfolio        *held;           /* its view held while the page is mapped */
  TwActionRunner     *runner;
  GCancellable       *cancellable;
  GtkSortListModel   *sort_model;
  GtkSorter          *stuck_sorter;
  GtkSingleSelection *selection;
  TwOrder            *watched_selection; /* its "busy" followed for Cancel Selected */
  GPtrArray          *watched;        /* the store's orders, in its order: their "stuck" followed */
  guint               resort_id;
  gboolean            resort_pending; /* a "stuck" changed: re-sort when on screen */
  gboolean            stuck_pending;  /* the count of stuck orders to bring up to date */
  GtkWidget          *guard_dialog;   /* weak */
  GtkWidget          *result_dialog;  /* weak */
  char               *last_result;
  char               *details_heading;
  GStrv               details;        /* the last partial cancel all's lines */
  char               *stuck_text;

  GtkColumnView      *column_view;
  GtkStack           *stack;
  GtkImage           *stuck_image;
  GtkLabel           *stuck_label;
  GtkBox             *cancel_all_box;
  GtkImage           *stale_image;
  GtkLabel           *age_label;
  GtkButton          *cancel_selected_button;
  guint               tick_id;
  gboolean            stale;
  TwNarrow            narrow;         /* fewer columns, the actions first */
};

static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwOrdersPage, tw_orders_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))

enum {
  ACTION_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *order_lines (gpointer  item,
                          guint     line,
                          gboolean *warning);

static const TwCellColumn columns[] = {
  /* First: what a narrow table shows instead of the columns after it. */
  /* Translators: an order in a narrow table: its symbol, side, quantity and type on one
   * line, its status, service and age under them */
  { "order", N_("Order"), "symbol", TW_CELL_LINES, NULL, NULL, TRUE, 0, order_lines },
  { "service", N_("Service"), "service-name", TW_CELL_TEXT, NULL, NULL, FALSE },
  { "symbol", N_("Symbol"), "symbol", TW_CELL_TEXT, NULL, NULL, FALSE },
  { "side", N_("Side"), "side", TW_CELL_BROKER_WORD, NULL, NULL, FALSE },
  { "qty", N_("Qty"), "qty", TW_CELL_QTY, NULL, NULL, FALSE },
  { "filled", N_("Filled"), "filled-qty", TW_CELL_QTY, NULL, NULL, FALSE },
  { "type", N_("Type"), "type", TW_CELL_BROKER_WORD, NULL, NULL, FALSE },
  { "status", N_("Status"), "status", TW_CELL_ORDER_STATUS, NULL, NULL, FALSE },
  { "age", N_("Age"), "age-seconds", TW_CELL_AGE, NULL, NULL, FALSE },
  /* Translators: the button cancelling one order; the tooltip names the symbol */
  { "actions", N_("Cancel…"), NULL, TW_CELL_BUTTON, "orders.cancel", N_("Cancel order"), FALSE },
};

static char *
column_text (const char *id,
             gpointer    item)
{
  return tw_trading_columns_format (columns, G_N_ELEMENTS (columns), id, item);
}

/* A narrow table's order: "AMD · Buy 10 · Limit", then "Accepted · Alpaca (paper) · 3 min"
 * (what the columns it stands for say, in their words). */
static char *
order_lines (gpointer  item,
             guint     line,
             gboolean *warning)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  *warning = FALSE;
  if (line == 0)
    {
      g_autofree char *side = column_text ("side", item);
      g_autofree char *qty = column_text ("qty", item);
      double filled = 0;

      g_ptr_array_add (parts, column_text ("symbol", item));
      /* Translators: an order's side and quantity, e.g. "Buy 10" */
      g_ptr_array_add (parts, g_strdup_printf (C_("order", "%s %s"), side, qty));
      g_ptr_array_add (parts, column_text ("type", item));
      g_object_get (item, "filled-qty", &filled, NULL);
      if (filled != 0)
        {
          g_autofree char *done = column_text ("filled", item);

          /* Translators: how much of an order is filled, e.g. "4 filled" */
          g_ptr_array_add (parts, g_strdup_printf (_("%s filled"), done));
        }
    }
  else
    {
      g_autofree char *approval = NULL;
      gboolean stuck = FALSE;

      g_object_get (item, "stuck", &stuck, "approval-status", &approval, NULL);
      *warning = stuck;
      g_ptr_array_add (parts, column_text ("status", item));
      if (approval != NULL && *approval != '\0')
        {
          g_autofree char *word = tw_trading_format_broker_word (approval);

          /* Translators: the IBKR assistant's approval status of an order */
          g_ptr_array_add (parts, g_strdup_printf (_("Approval: %s"), word));
        }
      g_ptr_array_add (parts, column_text ("service", item));
      g_ptr_array_add (parts, column_text ("age", item));
    }
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

typedef struct
{
  TwOrdersPage   *page;
  TwOrder        *order;
  TwGuardRequest *request;
  char           *service_id;
  char           *service_name;
  char           *operation;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->page);
  g_clear_object (&job->order);
  g_clear_object (&job->request);
  g_free (job->service_id);
  g_free (job->service_name);
  g_free (job->operation);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static void
details_clicked_cb (TwOrdersPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "orders.show-result", NULL);
}

static void
show_result (TwOrdersPage *self,
             const char   *operation,
             const char   *text,
             gboolean      ok,
             gboolean      details)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_free (self->last_result);
  self->last_result = g_strdup (text);
  if (TW_IS_WINDOW (root))
    {
      AdwToast *toast = tw_ui_result_toast_new (text, ok);

      /* A toast is one line: each refusal and why is one click away. */
      if (details)
        {
          adw_toast_set_button_label (toast, _("Details"));
          /* The toast lives in the window's overlay, out of reach of the page's actions. */
          g_signal_connect_object (toast, "button-clicked", G_CALLBACK (details_clicked_cb), self,
                                   G_CONNECT_SWAPPED);
        }
      tw_window_add_toast (TW_WINDOW (root), toast);
    }
  g_signal_emit (self, signals[ACTION_FINISHED], 0, operation, ok, text);
}

static const char *
service_name (TwOrdersPage *self,
              const char   *service_id)
{
  TwProfile *profile = tw_workspace_get_profile (tw_portfolio_get_workspace (self->portfolio));

  return tw_profile_get_service_name (profile, service_id);
}

/* ---- stuck, cancel-all buttons ---- */

static void
update_stuck (TwOrdersPage *self)
{
  GListModel *model = G_LIST_MODEL (self->sort_model);
  guint n = g_list_model_get_n_items (model);
  guint stuck = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (model, i);

      stuck += tw_order_get_stuck (order);
    }
  g_free (self->stuck_text);
  self->stuck_text = stuck == 0 ? g_strdup ("")
                     : g_strdup_printf (ngettext ("%u stuck order", "%u stuck orders", stuck), stuck);
  gtk_label_set_text (self->stuck_label, self->stuck_text);
  gtk_widget_set_visible (GTK_WIDGET (self->stuck_image), stuck > 0);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "orders" : "empty");
}

static void
rebuild_cancel_all (TwOrdersPage *self)
{
  GtkWidget *child;
  GListModel *services;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cancel_all_box))) != NULL)
    gtk_box_remove (self->cancel_all_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_all_box), FALSE);
  if (self->portfolio == NULL)
    return;

  services = tw_profile_get_services (tw_workspace_get_profile (tw_portfolio_get_workspace (self->portfolio)));
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      const char *id = tw_service_get_id (service);
      TwClient *client = tw_workspace_get_client (tw_portfolio_get_workspace (self->portfolio), id);
      g_autofree char *label = NULL;
      GtkWidget *button;

      if (client == NULL || !tw_client_has_operation (client, "orders.cancel_all"))
        continue;
      /* Translators: cancels every open order of one service, e.g. "Cancel All Alpaca Orders…" */
      label = g_strdup_printf (_("Cancel All %s Orders…"), tw_service_get_name (service));
      button = gtk_button_new_with_label (label);
      /* Its words wrap in a narrow window, never cut short. */
      gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
      gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), GTK_JUSTIFY_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "orders.cancel-all");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
      gtk_widget_add_css_class (button, "destructive-action");
      gtk_box_append (self->cancel_all_box, button);
      gtk_widget_set_visible (GTK_WIDGET (self->cancel_all_box), TRUE);
    }
}

/* ---- the selected row's Cancel… ---- */

static void
update_cancel_selected (TwOrdersPage *self)
{
  TwOrder *order = gtk_single_selection_get_selected_item (self->selection);

  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_selected_button),
                            order != NULL && self->runner != NULL && !tw_order_get_busy (order));
}

static void
selection_changed_cb (TwOrdersPage *self)
{
  TwOrder *order = gtk_single_selection_get_selected_item (self->selection);

  if (self->watched_selection != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_selection, update_cancel_selected, self);
  g_set_object (&self->watched_selection, order);
  if (order != NULL)
    g_signal_connect_object (order, "notify::busy", G_CALLBACK (update_cancel_selected), self,
                             G_CONNECT_SWAPPED);
  update_cancel_selected (self);
}

static void
cancel_selected_cb (TwOrdersPage *self)
{
  TwOrder *order = gtk_single_selection_get_selected_item (self->selection);

  if (order != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "orders.cancel", "s", tw_order_get_key (order));
}

/* The data age, as on the Positions page: counted up every second while on screen. */
static void
update_age (TwOrdersPage *self)
{
  tw_trading_show_age (self->age_label, GTK_WIDGET (self->stale_image), self->portfolio, &self->stale, NULL);
}

static gboolean
tick_cb (gpointer user_data)
{
  TwOrdersPage *self = user_data;

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    update_age (self);
  return G_SOURCE_CONTINUE;
}

static void
service_changed_cb (TwOrdersPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    update_age (self);
}

/* Every orders answer touches every order of its service (its age at least): the page
 * does its own work once per burst of answers, before the next frame, and none while it
 * is not on screen (it catches up when mapped). */

static void
flush_updates (TwOrdersPage *self)
{
  if (self->resort_pending)
    {
      /* Sorting by "stuck" first: the sort model does not watch its items. */
      self->resort_pending = FALSE;
      self->stuck_pending = TRUE;
      gtk_sorter_changed (self->stuck_sorter, GTK_SORTER_CHANGE_DIFFERENT);
    }
  if (self->stuck_pending)
    {
      self->stuck_pending = FALSE;
      update_stuck (self);
    }
  /* Last: the re-sort above queued another flush. */
  g_clear_handle_id (&self->resort_id, g_source_remove);
}

static gboolean
resort_cb (gpointer user_data)
{
  TwOrdersPage *self = user_data;

  self->resort_id = 0;
  flush_updates (self);
  return G_SOURCE_REMOVE;
}

static void
queue_flush (TwOrdersPage *self)
{
  if (self->resort_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->resort_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, resort_cb, self, NULL);
}

/* Only "stuck" can move an order: the last sort key is the creation time, which an
 * order's growing age does not change. */
static void
order_stuck_cb (TwOrdersPage *self)
{
  self->resort_pending = TRUE;
  queue_flush (self);
}

static void
sort_items_changed_cb (TwOrdersPage *self)
{
  self->stuck_pending = TRUE;
  queue_flush (self);
}

static void
unwatch_all (TwOrdersPage *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched, i), order_stuck_cb, self);
  g_ptr_array_set_size (self->watched, 0);
}

/* The watched orders mirror the store: only the spliced ones are (un)watched. */
static void
store_changed_cb (TwOrdersPage *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *store)
{
  g_return_if_fail (position + removed <= self->watched->len);

  for (guint i = position; i < position + removed; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched, i), order_stuck_cb, self);
  g_ptr_array_remove_range (self->watched, position, removed);
  for (guint i = 0; i < added; i++)
    {
      TwOrder *order = g_list_model_get_item (store, position + i);

      g_signal_connect_object (order, "notify::stuck", G_CALLBACK (order_stuck_cb), self, G_CONNECT_SWAPPED);
      g_ptr_array_insert (self->watched, position + i, order);
    }
  if (added > 0 || removed > 0)
    order_stuck_cb (self);
}

static void
watch_store (TwOrdersPage *self)
{
  GListModel *store = self->portfolio != NULL ? tw_portfolio_get_orders (self->portfolio) : NULL;

  unwatch_all (self);
  if (store != NULL)
    store_changed_cb (self, 0, 0, g_list_model_get_n_items (store), store);
}

/* ---- actions ---- */

static void
cancel_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;

  if (!tw_portfolio_cancel_order_finish (TW_PORTFOLIO (object), result, &message, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Named here whatever the message says: the message is for reading, not for looking
       * into (it may or may not name the service, in any language). */
      /* Translators: a service, a symbol, and why cancelling its order failed */
      text = g_strdup_printf (_("%s: %s order not canceled — %s"), job->service_name,
                              tw_order_get_symbol (job->order), error->message);
      show_result (job->page, "orders.cancel", text, FALSE, FALSE);
      return;
    }
  /* The core's message names the service and the order already. */
  show_result (job->page, "orders.cancel", message, TRUE, FALSE);
}

static void
cancel_all_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwMultiStatus) status = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *text = NULL;

  status = tw_portfolio_cancel_all_finish (TW_PORTFOLIO (object), result, &error);
  if (status == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: a service and why cancelling all its orders failed */
      text = g_strdup_printf (_("%s: orders not canceled — %s"), job->service_name, error->message);
      show_result (job->page, "orders.cancel_all", text, FALSE, FALSE);
      return;
    }
  g_clear_pointer (&job->page->details, g_strfreev);
  g_clear_pointer (&job->page->details_heading, g_free);
  if (tw_multi_status_get_n_failed (status) > 0)
    {
      job->page->details = tw_multi_status_dup_lines (status);
      /* Translators: the heading of a partial cancel all's details; %s is a service */
      job->page->details_heading = g_strdup_printf (_("Not All %s Orders Canceled"), job->service_name);
    }
  /* The audit log's words: with refusals "Not all canceled: …" first, then each refused
   * order and why. */
  summary = tw_multi_status_dup_outcome (status);
  /* Translators: a service and the result of cancelling all its orders */
  text = g_strdup_printf (_("%s: %s"), job->service_name, summary);
  /* Refusals are not a success: the toast stays. */
  show_result (job->page, "orders.cancel_all", text, tw_multi_status_get_n_failed (status) == 0,
               job->page->details != NULL);
}

static void
confirmed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  TwOrdersPage *self = job->page;
  g_autoptr(GError) error = NULL;

  if (!tw_guard_confirm_finish (result, &error))
    {
      /* The page went away: nobody to tell. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_free (self->last_result);
      self->last_result = g_strdup (_("Cancelled, nothing was sent"));
      return;
    }
  if (self->portfolio == NULL || self->runner == NULL)
    return;
  {
    /* Arguments are evaluated in any order: steal first. */
    Job *owned = g_steal_pointer (&job);

    if (owned->order != NULL)
      tw_portfolio_cancel_order_async (self->portfolio, self->runner, owned->request, owned->order,
                                       self->cancellable, cancel_done_cb, owned);
    else
      tw_portfolio_cancel_all_async (self->portfolio, self->runner, owned->request, owned->service_id,
                                     self->cancellable, cancel_all_done_cb, owned);
  }
}

static void
start (TwOrdersPage *self,
       Job          *job,
       const char   *target)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  job->page = g_object_ref (self);
  job->service_name = g_strdup (service_name (self, job->service_id));
  job->request = tw_action_runner_new_request (self->runner, job->operation, target);
  g_clear_weak_pointer (&self->guard_dialog);
  self->guard_dialog = tw_guard_confirm_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               job->request, tw_portfolio_get_workspace (self->portfolio),
                                               job->service_id, self->cancellable, confirmed_cb, job);
  if (self->guard_dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (self->guard_dialog), (gpointer *) &self->guard_dialog);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TwOrdersPage *self = TW_ORDERS_PAGE (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  const char *colon = strchr (key, ':');
  g_autofree char *service_id = NULL;
  g_autofree char *target = NULL;
  TwOrder *order;
  Job *job;

  if (self->portfolio == NULL || self->runner == NULL || colon == NULL)
    return;
  service_id = g_strndup (key, colon - key);
  order = tw_portfolio_lookup_order (self->portfolio, service_id, colon + 1);
  /* No double submit: insensitive while busy, and refused here too. */
  if (order == NULL || tw_order_get_busy (order))
    return;
  job = g_new0 (Job, 1);
  job->order = g_object_ref (order);
  job->service_id = g_steal_pointer (&service_id);
  job->operation = g_strdup ("orders.cancel");
  /* The guard dialog and the audit row name the order as a person reads it; the key only
   * finds it (the request uses its id). */
  target = tw_portfolio_dup_order_target (self->portfolio, order);
  start (self, job, target);
}

static void
cancel_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TwOrdersPage *self = TW_ORDERS_PAGE (widget);
  const char *service_id = g_variant_get_string (parameter, NULL);
  Job *job;

  if (self->portfolio == NULL || self->runner == NULL)
    return;
  if (tw_action_runner_is_in_flight (self->runner, service_id, "orders.cancel_all"))
    return;
  job = g_new0 (Job, 1);
  job->service_id = g_strdup (service_id);
  job->operation = g_strdup ("orders.cancel_all");
  start (self, job, service_name (self, service_id));
}

static void
show_result_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TwOrdersPage *self = TW_ORDERS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (self->details == NULL)
    return;
  /* The audit log's lines, one a line: the count, then each refused order and why. */
  body = g_strjoinv ("\n", self->details);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       self->details_heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_close_response (dialog, "close");
  g_clear_weak_pointer (&self->result_dialog);
  self->result_dialog = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->result_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- context ---- */

/* The page holds the portfolio's view while it is on screen. */
static void
hold_view (TwOrdersPage *self,
           gboolean      hold)
{
  tw_trading_hold_view (&self->held, hold ? self->portfolio : NULL);
}

void
tw_orders_page_set_context (TwOrdersPage   *self,
                            TwPortfolio    *portfolio,
                            TwActionRunner *runner)
{
  g_return_if_fail (TW_IS_ORDERS_PAGE (self));
  g_return_if_fail (portfolio == NULL || TW_IS_PORTFOLIO (portfolio));
  g_return_if_fail (runner == NULL || TW_IS_ACTION_RUNNER (runner));

  if (self->portfolio != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->portfolio, self);
      g_signal_handlers_disconnect_by_data (tw_portfolio_get_orders (self->portfolio), self);
    }
  unwatch_all (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->portfolio, portfolio);
  g_set_object (&self->runner, runner);
  hold_view (self, gtk_widget_get_mapped (GTK_WIDGET (self)));
  g_clear_handle_id (&self->tick_id, g_source_remove);

  gtk_sort_list_model_set_model (self->sort_model,
                                 portfolio != NULL ? tw_portfolio_get_orders (portfolio) : NULL);
  if (portfolio != NULL)
    {
      g_signal_connect_object (tw_portfolio_get_orders (portfolio), "items-changed",
                               G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (portfolio, "service-changed", G_CALLBACK (service_changed_cb),
                               self, G_CONNECT_SWAPPED);
      self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
    }
  update_age (self);
  watch_store (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "orders.cancel", runner != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "orders.cancel-all", runner != NULL);
  rebuild_cancel_all (self);
  update_cancel_selected (self);
  self->resort_pending = TRUE;
  flush_updates (self);
}

/* The table fits the page without scrolling sideways, its actions last: the columns a
 * glance can do without give way, first given up first; when the others still do not
 * fit (a narrow window), an order is two lines beside its Cancel…; only when even that
 * does not fit, the row's action comes first, in sight. */
static const char * const hide_order[] = {
  "age", "filled", "type", NULL
};
static const char * const compact[] = { "order", "actions", NULL };

static gboolean
fit_table (GtkWidget *widget,
           int        width,
           gboolean  *fits)
{
  TwOrdersPage *self = TW_ORDERS_PAGE (widget);

  return tw_trading_view_fit (self->column_view, width, hide_order, compact, fits);
}

static int
measure_table (GtkWidget *widget)
{
  return tw_trading_view_measure (TW_ORDERS_PAGE (widget)->column_view);
}

gboolean
tw_orders_page_get_narrow (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), FALSE);

  return self->narrow.narrow;
}

static void
tw_orders_page_dispose (GObject *object)
{
  TwOrdersPage *self = TW_ORDERS_PAGE (object);

  tw_narrow_clear (&self->narrow);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  hold_view (self, FALSE);
  if (self->portfolio != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->portfolio, self);
      g_signal_handlers_disconnect_by_data (tw_portfolio_get_orders (self->portfolio), self);
    }
  if (self->watched != NULL)
    unwatch_all (self);
  g_clear_handle_id (&self->resort_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_weak_pointer (&self->guard_dialog);
  g_clear_weak_pointer (&self->result_dialog);
  /* AdwBin would unparent its child again after the template did. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_ORDERS_PAGE);
  if (self->watched_selection != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_selection, update_cancel_selected, self);
  g_clear_object (&self->watched_selection);
  g_clear_object (&self->selection);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tw_orders_page_parent_class)->dispose (object);
}

static void
tw_orders_page_finalize (GObject *object)
{
  TwOrdersPage *self = TW_ORDERS_PAGE (object);

  g_free (self->last_result);
  g_free (self->stuck_text);
  g_free (self->details_heading);
  g_strfreev (self->details);
  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_orders_page_parent_class)->finalize (object);
}

static void
tw_orders_page_map (GtkWidget *widget)
{
  TwOrdersPage *self = TW_ORDERS_PAGE (widget);

  /* What changed while hidden, before the first frame shows it. */
  flush_updates (self);
  update_age (self);
  tw_trading_view_attach (self->column_view, GTK_SELECTION_MODEL (self->selection));
  hold_view (self, TRUE);
  GTK_WIDGET_CLASS (tw_orders_page_parent_class)->map (widget);
}

static void
tw_orders_page_unmap (GtkWidget *widget)
{
  TwOrdersPage *self = TW_ORDERS_PAGE (widget);

  GTK_WIDGET_CLASS (tw_orders_page_parent_class)->unmap (widget);
  /* Off screen the table follows no refresh, and the portfolio may poll less often. */
  tw_trading_view_detach (self->column_view);
  hold_view (self, FALSE);
}

static void
tw_orders_page_class_init (TwOrdersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_orders_page_dispose;
  object_class->finalize = tw_orders_page_finalize;
  widget_class->map = tw_orders_page_map;
  widget_class->unmap = tw_orders_page_unmap;

  signals[ACTION_FINISHED] =
    g_signal_new ("action-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-orders-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwOrdersPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, TwOrdersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TwOrdersPage, stuck_image);
  gtk_widget_class_bind_template_child (widget_class, TwOrdersPage, stuck_label);
  gtk_widget_class_bind_template_child (widget_class, TwOrdersPage, stale_image);
  gtk_widget_class_bind_template_child (widget_class, TwOrdersPage, age_label);
  gtk_widget_class_bind_template_child (widget_class, TwOrdersPage, cancel_selected_button);
  gtk_widget_class_bind_template_callback (widget_class, cancel_selected_cb);
  gtk_widget_class_bind_template_child (widget_class, TwOrdersPage, cancel_all_box);

  gtk_widget_class_install_action (widget_class, "orders.cancel", "s", cancel_action);
  gtk_widget_class_install_action (widget_class, "orders.cancel-all", "s", cancel_all_action);
  gtk_widget_class_install_action (widget_class, "orders.show-result", NULL, show_result_action);
}

/* When the order was placed, as its age counts it. */
static GDateTime *
order_since (TwOrder *order)
{
  GDateTime *created = tw_order_get_created_at (order);

  return created != NULL ? created : tw_order_get_submitted_at (order);
}

static int
compare_stuck (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  gboolean x = tw_order_get_stuck ((TwOrder *) a);
  gboolean y = tw_order_get_stuck ((TwOrder *) b);

  return (y != 0) - (x != 0);
}

static int
compare_age (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  GDateTime *x = order_since ((TwOrder *) a);
  GDateTime *y = order_since ((TwOrder *) b);

  /* Oldest first; an order of unknown age last. */
  if (x == NULL || y == NULL)
    return (x == NULL) - (y == NULL);
  return g_date_time_compare (x, y);
}

static void
tw_orders_page_init (TwOrdersPage *self)
{
  GtkMultiSorter *sorter = gtk_multi_sorter_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  tw_narrow_init (&self->narrow, GTK_WIDGET (self), 0, NULL);
  tw_narrow_set_fit (&self->narrow, fit_table, measure_table);
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = tw_trading_column_new (&columns[i], TW_TYPE_ORDER);

      gtk_column_view_append_column (self->column_view, column);
    }

  /* Stuck first, then what the operator sorts by, then the oldest first. */
  self->stuck_sorter = GTK_SORTER (gtk_custom_sorter_new (compare_stuck, NULL, NULL));
  gtk_multi_sorter_append (sorter, self->stuck_sorter);
  gtk_multi_sorter_append (sorter, g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_multi_sorter_append (sorter, GTK_SORTER (gtk_custom_sorter_new (compare_age, NULL, NULL)));
  self->sort_model = gtk_sort_list_model_new (NULL, GTK_SORTER (sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sort_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  /* The table gets its model when the page is mapped (tw_trading_view_attach): a page
   * built hidden binds no rows while the portfolio's first answers come in. */
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sort_model, "items-changed", G_CALLBACK (sort_items_changed_cb), self,
                           G_CONNECT_SWAPPED);

  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "orders.cancel", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "orders.cancel-all", FALSE);
  update_stuck (self);
}

GtkWidget *
tw_orders_page_new (void)
{
  return g_object_new (TW_TYPE_ORDERS_PAGE, NULL);
}

GtkSingleSelection *
tw_orders_page_get_selection (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), NULL);

  return self->selection;
}

GtkWidget *
tw_orders_page_get_cancel_selected_button (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), NULL);

  return GTK_WIDGET (self->cancel_selected_button);
}

GListModel *
tw_orders_page_get_model (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), NULL);

  flush_updates (self);
  return G_LIST_MODEL (self->sort_model);
}

GtkWidget *
tw_orders_page_get_result_dialog (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), NULL);

  return self->result_dialog;
}

GtkWidget *
tw_orders_page_get_guard_dialog (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), NULL);

  return self->guard_dialog;
}

const char *
tw_orders_page_get_last_result (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), NULL);

  return self->last_result;
}

const char *
tw_orders_page_get_stuck_text (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), NULL);

  flush_updates (self);
  return self->stuck_text;
}

const char *
tw_orders_page_get_age_text (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), NULL);

  update_age (self);
  return gtk_label_get_text (self->age_label);
}

gboolean
tw_orders_page_get_stale (TwOrdersPage *self)
{
  g_return_val_if_fail (TW_IS_ORDERS_PAGE (self), FALSE);

  update_age (self);
  return self->stale;
}

/* TwSessionPage: what the page shows of the window's session */

static void
session_page_set_session (TwSessionPage *page,
                          TwSession     *session)
{
  tw_orders_page_set_context (TW_ORDERS_PAGE (page),
                              session != NULL ? tw_session_get_portfolio (session) : NULL,
                              session != NULL ? tw_session_get_action_runner (session) : NULL);
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = session_page_set_session;
}
