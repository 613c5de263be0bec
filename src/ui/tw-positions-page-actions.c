/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tw-client.h"
#include "tw-close-position-dialog.h"
#include "tw-error.h"
#include "tw-flatten-dialog.h"
#include "tw-guard-dialog.h"
#include "tw-positions-page-private.h"
#include "tw-ui-util.h"
#include "tw-window.h"

/* Everything one close or flatten needs until its end. */
typedef struct
{
  TwPositionsPage *page;
  TwPosition      *position;
  TwGuardRequest  *request;
  char            *service_id;
  char            *service_name;
  double           qty;
  double           percentage;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->page);
  g_clear_object (&job->position);
  g_clear_object (&job->request);
  g_free (job->service_id);
  g_free (job->service_name);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static void
job_closure_free (gpointer  data,
                  GClosure *closure)
{
  job_free (data);
}

static GtkWindow *
parent_window (TwPositionsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_result (TwPositionsPage *self,
             const char      *operation,
             const char      *text,
             gboolean         ok)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_free (self->last_result);
  self->last_result = g_strdup (text);
  if (TW_IS_WINDOW (root))
    {
      tw_window_add_toast (TW_WINDOW (root), tw_ui_result_toast_new (text, ok));
    }
  _tw_positions_page_emit_finished (self, operation, ok, text);
}

static const char *
service_name (TwPositionsPage *self,
              const char      *service_id)
{
  TwProfile *profile = tw_workspace_get_profile (tw_portfolio_get_workspace (self->portfolio));

  return tw_profile_get_service_name (profile, service_id);
}

/* Whether the service's "positions.close" can close a part (a qty or percentage var). */
static gboolean
closes_whole_only (TwPositionsPage *self,
                   const char      *service_id)
{
  TwClient *client = tw_workspace_get_client (tw_portfolio_get_workspace (self->portfolio), service_id);
  const TwOperation *op;
  gboolean partial = FALSE;

  if (client == NULL)
    return FALSE;
  op = tw_connector_get_operation (tw_client_get_connector (client), "positions.close");
  if (op == NULL)
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GHashTable) with = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GHashTable) without = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      g_hash_table_insert (with, "symbol", "X");
      g_hash_table_insert (without, "symbol", "X");
      g_hash_table_insert (with, i == 0 ? "qty" : "percentage", "1");
      a = tw_operation_expand_path (op, with, NULL);
      b = tw_operation_expand_path (op, without, NULL);
      partial |= a != NULL && g_strcmp0 (a, b) != 0;
    }
  return !partial;
}

/* ---- close ---- */

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;

  if (!tw_portfolio_close_position_finish (TW_PORTFOLIO (object), result, &message, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: a service's name, a symbol, and why closing failed */
      text = g_strdup_printf (_("%s: %s not closed — %s"), job->service_name,
                              tw_position_get_symbol (job->position), error->message);
      show_result (job->page, "positions.close", text, FALSE);
      return;
    }
  /* The core's message names the service, the symbol and the order already. */
  show_result (job->page, "positions.close", message, TRUE);
}

static void
close_confirmed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  TwPositionsPage *self = job->page;
  g_autoptr(GError) error = NULL;

  if (!tw_guard_confirm_finish (result, &error))
    {
      g_autofree char *text = NULL;

      /* The page went away: nobody to tell. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Translators: a symbol; the close was cancelled in the guard dialog */
      text = g_strdup_printf (_("Closing %s cancelled, nothing was sent"), tw_position_get_symbol (job->position));
      g_free (self->last_result);
      self->last_result = g_steal_pointer (&text);
      return;
    }
  if (self->portfolio == NULL || self->runner == NULL)
    return;
  {
    /* Arguments are evaluated in any order: steal first. */
    Job *owned = g_steal_pointer (&job);

    tw_portfolio_close_position_async (self->portfolio, self->runner, owned->request, owned->position,
                                       owned->qty, owned->percentage, self->cancellable, closed_cb,
                                       owned);
  }
}

static void
close_dialog_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          Job              *job)
{
  TwPositionsPage *self = job->page;
  TwClosePositionDialog *close_dialog = TW_CLOSE_POSITION_DIALOG (dialog);
  g_autoptr(Job) owned = job;

  /* The dialog closes itself: the page no longer points at it. */
  g_clear_weak_pointer (&self->close_dialog);
  if (!g_str_equal (response, "close") || self->runner == NULL)
    return;
  job->qty = tw_close_position_dialog_get_qty (close_dialog);
  job->percentage = tw_close_position_dialog_get_percentage (close_dialog);
  job->request = tw_action_runner_new_request (self->runner, "positions.close",
                                               tw_position_get_key (job->position));

  g_clear_weak_pointer (&self->guard_dialog);
  owned = NULL;
  self->guard_dialog = tw_guard_confirm_async (parent_window (self), job->request,
                                               tw_portfolio_get_workspace (self->portfolio),
                                               job->service_id, self->cancellable,
                                               close_confirmed_cb, job);
  if (self->guard_dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (self->guard_dialog), (gpointer *) &self->guard_dialog);
}

static TwPosition *
lookup_by_key (TwPositionsPage *self,
               const char      *key)
{
  const char *colon = strchr (key, ':');
  g_autofree char *service_id = NULL;

  if (colon == NULL)
    return NULL;
  service_id = g_strndup (key, colon - key);
  return tw_portfolio_lookup_position (self->portfolio, service_id, colon + 1);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TwPositionsPage *self = TW_POSITIONS_PAGE (widget);
  TwPosition *position;
  GtkWidget *dialog;
  Job *job;

  if (self->portfolio == NULL || self->runner == NULL)
    return;
  position = lookup_by_key (self, g_variant_get_string (parameter, NULL));
  /* No double submit: the row's button is insensitive while busy; this guards the action. */
  if (position == NULL || tw_position_get_busy (position))
    return;

  job = g_new0 (Job, 1);
  job->page = g_object_ref (self);
  job->position = g_object_ref (position);
  job->service_id = g_strdup (tw_position_get_service_id (position));
  job->service_name = g_strdup (service_name (self, job->service_id));

  if (self->close_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->close_dialog));
  dialog = tw_close_position_dialog_new (parent_window (self), position,
                                         closes_whole_only (self, job->service_id));
  g_signal_connect (dialog, "response", G_CALLBACK (close_dialog_response_cb), job);
  g_set_weak_pointer (&self->close_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- flatten ---- */

static void
flatten_finished_cb (TwFlattenDialog *dialog,
                     gboolean         ok,
                     const char      *result,
                     Job             *job)
{
  g_autofree char *text = NULL;

  /* Translators: a service's name and the flatten's result */
  text = g_strdup_printf (_("%s: %s"), job->service_name, result != NULL ? result : "");
  if (ok)
    show_result (job->page, "account.flatten", text, TRUE);
  else
    {
      /* Never a success toast: the dialog lists what is left open; the page remembers. */
      g_free (job->page->last_result);
      job->page->last_result = g_strdup (text);
      _tw_positions_page_emit_finished (job->page, "account.flatten", FALSE, text);
    }
}

static void
flatten_confirmed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  TwPositionsPage *self = job->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwFlatten) flatten = NULL;
  GtkWidget *dialog;

  if (!tw_guard_confirm_finish (result, &error))
    {
      /* The page went away: nobody to tell. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_free (self->last_result);
      /* Translators: a service's name; the flatten was cancelled in the guard dialog */
      self->last_result = g_strdup_printf (_("Flatten of %s cancelled, nothing was sent"), job->service_name);
      return;
    }
  if (self->portfolio == NULL || self->runner == NULL)
    return;

  flatten = tw_flatten_new (self->runner, self->portfolio, job->service_id, job->request);
  dialog = tw_flatten_dialog_new (parent_window (self), flatten, job->service_name);
  g_signal_connect_data (dialog, "finished", G_CALLBACK (flatten_finished_cb),
                         g_steal_pointer (&job), job_closure_free, 0);
  g_clear_weak_pointer (&self->flatten_dialog);
  g_set_weak_pointer (&self->flatten_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  tw_flatten_dialog_run (TW_FLATTEN_DIALOG (dialog));
}

/* "_Flatten InvestIQ: 5 positions, 2 orders": what the button will act on, counted from
 * the last refresh. */
static char *
flatten_label (TwPositionsPage *self,
               const char      *service_id,
               const char      *name)
{
  GListModel *positions = tw_portfolio_get_positions (self->portfolio);
  GListModel *orders = tw_portfolio_get_orders (self->portfolio);
  guint n_positions = 0, n_orders = 0;
  g_autofree char *positions_text = NULL;
  g_autofree char *orders_text = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *escaped = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (positions); i++)
    {
      g_autoptr(TwPosition) position = g_list_model_get_item (positions, i);

      n_positions += g_strcmp0 (tw_position_get_service_id (position), service_id) == 0;
    }
  for (guint i = 0; i < g_list_model_get_n_items (orders); i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (orders, i);

      n_orders += g_strcmp0 (tw_order_get_service_id (order), service_id) == 0;
    }
  /* A name's underscores are not mnemonics. */
  parts = g_strsplit (name, "_", -1);
  escaped = g_strjoinv ("__", parts);
  positions_text = g_strdup_printf (ngettext ("%u position", "%u positions", n_positions), n_positions);
  orders_text = g_strdup_printf (ngettext ("%u order", "%u orders", n_orders), n_orders);
  /* Translators: the flatten dialog's confirm button: the service, then its counts of
   * positions and orders, e.g. "_Flatten InvestIQ: 5 positions, 2 orders" */
  return g_strdup_printf (_("_Flatten %s: %s, %s"), escaped, positions_text, orders_text);
}

static void
flatten_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TwPositionsPage *self = TW_POSITIONS_PAGE (widget);
  const char *service_id = g_variant_get_string (parameter, NULL);
  Job *job;

  if (self->portfolio == NULL || self->runner == NULL)
    return;
  /* One flatten at a time: its dialog cannot be closed while it runs. */
  if (self->flatten_dialog != NULL && tw_flatten_dialog_get_running (TW_FLATTEN_DIALOG (self->flatten_dialog)))
    return;

  job = g_new0 (Job, 1);
  job->page = g_object_ref (self);
  job->service_id = g_strdup (service_id);
  job->service_name = g_strdup (service_name (self, service_id));
  job->request = tw_action_runner_new_request (self->runner, "account.flatten", job->service_name);

  g_clear_weak_pointer (&self->guard_dialog);
  self->guard_dialog = tw_guard_confirm_async (parent_window (self), job->request,
                                               tw_portfolio_get_workspace (self->portfolio),
                                               service_id, self->cancellable,
                                               flatten_confirmed_cb, job);
  if (self->guard_dialog != NULL)
    {
      g_autofree char *label = flatten_label (self, service_id, service_name (self, service_id));

      g_object_add_weak_pointer (G_OBJECT (self->guard_dialog), (gpointer *) &self->guard_dialog);
      adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self->guard_dialog), "confirm", label);
    }
}

void
_tw_positions_page_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "positions.close", "s", close_action);
  gtk_widget_class_install_action (widget_class, "positions.flatten", "s", flatten_action);
}
