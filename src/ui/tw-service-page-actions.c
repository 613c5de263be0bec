/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-guard-dialog.h"
#include "tw-order-audit-dialog.h"
#include "tw-service-page-private.h"
#include "tw-ui-util.h"
#include "tw-window.h"

/* What a service page does beyond showing: 001's quota reset (guarded: the runbook's
 * "only if exchanges are already blocking"; audited, then read back), an order's audit
 * trail (003's Verify Resolution), and a section revealed once it is read (the guard's
 * "Recent trades reviewed" opens the trades). */

gboolean
_tw_service_page_can_reset (TwServicePage *self,
                            gboolean       one_provider)
{
  return self->details != NULL && self->session != NULL &&
         tw_service_details_can_reset_rate_limits (self->details, one_provider);
}

typedef struct
{
  TwServicePage    *page;
  TwServiceDetails *details;
  TwGuardRequest   *request;
  char             *provider;   /* nullable: every quota */
  char             *service_name;
} ResetData;

static void
reset_data_free (ResetData *data)
{
  g_clear_object (&data->page);
  g_clear_object (&data->details);
  g_clear_object (&data->request);
  g_free (data->provider);
  g_free (data->service_name);
  g_free (data);
}

static void
show_result (TwServicePage *self,
             const char    *text,
             gboolean       ok)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_free (self->last_result);
  self->last_result = g_strdup (text);
  if (TW_IS_WINDOW (root))
    tw_window_add_toast (TW_WINDOW (root), tw_ui_result_toast_new (text, ok));
}

static void
reset_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ResetData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  g_autofree char *text = NULL;

  said = tw_service_details_reset_rate_limits_finish (TW_SERVICE_DETAILS (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      reset_data_free (data);
      return;
    }
  if (said != NULL)
    text = data->provider != NULL
           /* Translators: a service's name, a provider's name, then what the service said */
           ? g_strdup_printf (_("%s: quota of %s reset. %s"), data->service_name, data->provider, said)
           /* Translators: a service's name, then what the service said */
           : g_strdup_printf (_("%s: quotas reset. %s"), data->service_name, said);
  else
    /* Translators: a service's name, then why the reset failed */
    text = g_strdup_printf (_("%s: quota not reset — %s"), data->service_name, error->message);
  show_result (data->page, text, said != NULL);
  reset_data_free (data);
}

static void
confirm_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ResetData *data = user_data;
  TwServicePage *self = data->page;
  g_autoptr(GError) error = NULL;

  if (!tw_guard_confirm_finish (result, &error) || self->session == NULL ||
      tw_session_get_action_runner (self->session) == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_free (self->last_result);
          /* Translators: a service's name; the reset was cancelled in the guard dialog */
          self->last_result = g_strdup_printf (_("%s: cancelled, nothing was sent"), data->service_name);
        }
      reset_data_free (data);
      return;
    }
  tw_service_details_reset_rate_limits_async (data->details, tw_session_get_action_runner (self->session),
                                              data->request, data->provider, self->cancellable,
                                              reset_done_cb, data);
}

static void
reset_quota_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TwServicePage *self = TW_SERVICE_PAGE (widget);
  const char *provider = g_variant_get_string (parameter, NULL);
  TwActionRunner *runner;
  ResetData *data;
  GtkRoot *root;
  g_autofree char *target = NULL;
  g_autofree char *body = NULL;
  const char *operation;

  if (*provider == '\0')
    provider = NULL;
  if (self->service == NULL || !_tw_service_page_can_reset (self, provider != NULL))
    return;
  runner = tw_session_get_action_runner (self->session);
  operation = provider != NULL ? "rate_limits.reset_provider" : "rate_limits.reset";
  /* No double submit. */
  if (runner == NULL || tw_action_runner_is_in_flight (runner, tw_service_get_id (self->service), operation))
    return;

  data = g_new0 (ResetData, 1);
  data->page = g_object_ref (self);
  data->details = g_object_ref (self->details);
  data->provider = g_strdup (provider);
  data->service_name = g_strdup (tw_service_get_name (self->service));
  target = provider != NULL
           ? g_strdup_printf ("%s / %s", data->service_name, provider)
           /* Translators: the target of a reset of every quota, e.g. "AI trading / all quotas" */
           : g_strdup_printf (_("%s / all quotas"), data->service_name);
  data->request = tw_action_runner_new_request (runner, "ratelimit.reset", target);

  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  root = gtk_widget_get_root (GTK_WIDGET (self));
  g_clear_weak_pointer (&self->guard_dialog);
  if (self->audit_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->audit_dialog));
  g_clear_weak_pointer (&self->audit_dialog);
  self->guard_dialog = tw_guard_confirm_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               data->request, tw_session_get_workspace (self->session),
                                               tw_service_get_id (self->service), self->cancellable,
                                               confirm_done_cb, data);
  if (self->guard_dialog == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (self->guard_dialog), (gpointer *) &self->guard_dialog);
  /* The runbook's own caution, before the operator confirms. */
  body = g_strdup_printf ("%s\n\n%s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (self->guard_dialog)),
                          _("Only reset quotas if the exchanges already block the requests: "
                            "resetting early masks quota leaks and causes worse rate limiting."));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self->guard_dialog), body);
}

/* ---- an order's audit trail ---- */

/* Forgotten once destroyed, not once finalized: a read on its way holds it a while. */
static void
audit_dialog_destroyed_cb (GtkWidget     *dialog,
                           TwServicePage *self)
{
  if (self->audit_dialog == dialog)
    g_clear_weak_pointer (&self->audit_dialog);
}

static void
show_audit_trail_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TwServicePage *self = TW_SERVICE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (self->details == NULL || *id == '\0')
    return;
  if (self->audit_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->audit_dialog));
  self->audit_dialog = tw_order_audit_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  self->details, id);
  g_object_add_weak_pointer (G_OBJECT (self->audit_dialog), (gpointer *) &self->audit_dialog);
  g_signal_connect_object (self->audit_dialog, "destroy", G_CALLBACK (audit_dialog_destroyed_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->audit_dialog));
}

void
_tw_service_page_add_audit_row (TwServicePage *self,
                                const char    *correlation_id)
{
  GtkWidget *row, *icon;

  if (self->details == NULL || !tw_service_details_can_read_audit (self->details))
    return;
  row = _tw_service_page_new_row (_("Audit Trail"), _("Every entry the audit store has for this order"));
  icon = gtk_image_new_from_icon_name ("document-open-recent-symbolic");
  gtk_widget_add_css_class (row, "property");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "service.show-audit-trail");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", correlation_id);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Show this order's audit trail"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Show this order's audit trail"), -1);
  gtk_list_box_append (self->order_list, row);
}

GtkWidget *
tw_service_page_get_audit_dialog (TwServicePage *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), NULL);
  return self->audit_dialog;
}

void
_tw_service_page_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "service.reset-quota", "s", reset_quota_action);
  gtk_widget_class_install_action (widget_class, "service.show-audit-trail", "s", show_audit_trail_action);
}

void
_tw_service_page_dispose_actions (TwServicePage *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_weak_pointer (&self->guard_dialog);
  if (self->audit_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->audit_dialog));
  g_clear_weak_pointer (&self->audit_dialog);
  g_clear_pointer (&self->last_result, g_free);
}

/* ---- a section revealed ---- */

static gboolean
all_loaded (TwServicePage *self)
{
  for (guint s = 0; s < TW_DETAIL_N_SECTIONS; s++)
    if (tw_service_details_has_section (self->details, s) && !tw_service_details_is_loaded (self->details, s))
      return FALSE;
  return TRUE;
}

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  TwServicePage *self = TW_SERVICE_PAGE (widget);
  guint section = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "tw-reveal-section"));
  guint frames = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "tw-reveal-frames"));

  /* Layout comes after this phase: scroll on a few frames, the last one settled. */
  tw_service_page_scroll_to (self, section);
  g_object_set_data (G_OBJECT (self), "tw-reveal-frames", GUINT_TO_POINTER (frames + 1));
  if (frames < 3)
    return G_SOURCE_CONTINUE;
  g_object_set_data (G_OBJECT (self), "tw-reveal-tick", NULL);
  return G_SOURCE_REMOVE;
}

void
_tw_service_page_reveal_pending (TwServicePage *self)
{
  guint section = self->pending_section;

  if (section >= N_GROUPS || self->details == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (self->groups[section] == NULL)
    {
      self->pending_section = N_GROUPS;
      return;
    }
  /* The sections above it change height as they are read: wait for them. */
  if (!all_loaded (self))
    return;
  self->pending_section = N_GROUPS;
  g_object_set_data (G_OBJECT (self), "tw-reveal-section", GUINT_TO_POINTER (section));
  g_object_set_data (G_OBJECT (self), "tw-reveal-frames", GUINT_TO_POINTER (0));
  if (g_object_get_data (G_OBJECT (self), "tw-reveal-tick") == NULL)
    {
      gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick_cb, NULL, NULL);
      g_object_set_data (G_OBJECT (self), "tw-reveal-tick", GUINT_TO_POINTER (1));
    }
  /* The keyboard goes there too: its filter, else its list. */
  if (self->searches[section] != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->searches[section]));
  else if (self->lists[section] != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->lists[section]));
}

void
tw_service_page_reveal_section (TwServicePage *self,
                                guint          section)
{
  g_return_if_fail (TW_IS_SERVICE_PAGE (self));
  g_return_if_fail (section < N_GROUPS);

  self->pending_section = section;
  _tw_service_page_reveal_pending (self);
}

const char *
tw_service_page_get_last_result (TwServicePage *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), NULL);
  return self->last_result;
}

gboolean
tw_service_page_section_in_view (TwServicePage *self,
                                 guint          section)
{
  GtkWidget *scrolled;
  GtkAdjustment *adjustment;
  graphene_point_t point;
  double height;
  gboolean at_end;

  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), FALSE);
  g_return_val_if_fail (section < N_GROUPS, FALSE);

  if (self->groups[section] == NULL)
    return FALSE;
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->sections_box), GTK_TYPE_SCROLLED_WINDOW);
  if (scrolled == NULL ||
      !gtk_widget_compute_point (self->groups[section], scrolled, &GRAPHENE_POINT_INIT (0, 0), &point))
    return FALSE;
  height = gtk_widget_get_height (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  /* A section near the end of a page can come no higher than the page scrolls. */
  at_end = gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
           gtk_adjustment_get_upper (adjustment) - 1;
  return point.y >= 0 && (point.y < height / 2.0 || (at_end && point.y < height));
}

GtkWidget *
tw_service_page_get_guard_dialog (TwServicePage *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), NULL);
  return self->guard_dialog;
}

gboolean
tw_service_page_activate_order_field (TwServicePage *self,
                                      const char    *title)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), FALSE);

  tw_ui_flush_update (GTK_WIDGET (self));
  if (self->order_list == NULL)
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->order_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0 &&
        gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (child)))
      {
        g_signal_emit_by_name (child, "activate");
        return TRUE;
      }
  return FALSE;
}
