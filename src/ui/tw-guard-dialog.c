/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"

#include <glib/gi18n.h>

#include "tw-component.h"
#include "tw-error.h"
#include "tw-guard-live.h"
#include "tw-ui-util.h"

typedef struct
{
  char           *id;
  AdwActionRow   *row;
  GtkCheckButton *check;
  char           *note;
} CheckItem;

struct _TwGuardDialog
{
  AdwMessageDialog      parent_instance;

  TwGuardRequest       *request;
  TwWorkspace          *workspace;
  char                 *service_id;
  GPtrArray            *watched;     /* TwService whose state feeds the automatic items */
  GPtrArray            *items;       /* CheckItem */
  char                 *problem;
  gboolean              updating;

  AdwPreferencesGroup  *reason_group;
  AdwEntryRow          *reason_row;
  AdwPreferencesGroup  *checklist_group;
  AdwPreferencesGroup  *typed_group;
  AdwEntryRow          *typed_row;
  AdwPreferencesGroup  *flag_group;
  AdwEntryRow          *flag_row;
  GtkLabel             *problem_label;
  int                   problem_height;  /* the tallest it has been while open */
  GtkWidget            *trades_button;   /* nullable: "Open Trades" of its checklist item */
};

G_DEFINE_FINAL_TYPE (TwGuardDialog, tw_guard_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
check_item_free (CheckItem *item)
{
  g_free (item->id);
  g_free (item->note);
  g_free (item);
}

static CheckItem *
find_item (TwGuardDialog *self,
           const char    *id)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      CheckItem *item = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (item->id, id) == 0)
        return item;
    }
  return NULL;
}

/* The "Still needed…" line keeps the tallest height it had while the dialog is open: when
 * it shortens or empties, nothing below it (the Confirm button) moves under the pointer. */
static void
reserve_problem_space (TwGuardDialog *self)
{
  GtkWidget *label = GTK_WIDGET (self->problem_label);
  int width = gtk_widget_get_width (label);
  int natural = 0;

  if (width <= 0 || !gtk_widget_get_visible (label))
    return;
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, width, NULL, &natural, NULL, NULL);
  if (natural > self->problem_height)
    {
      self->problem_height = natural;
      /* Its width too: a shorter line must not narrow the dialog either. */
      gtk_widget_set_size_request (label, width, natural);
    }
}

static void
update_confirm (TwGuardDialog *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = tw_guard_request_check (self->request, &error);
  g_autofree char *missing = ok ? NULL : tw_guard_request_dup_missing (self->request);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "confirm", ok);
  g_free (self->problem);
  /* The guard's own words: what is still missing before Confirm is enabled (nothing
   * was refused yet: the operator is still filling the form). */
  if (ok)
    self->problem = g_strdup ("");
  else if (missing != NULL)
    /* Translators: %s lists what the guard still needs, e.g. "a reason of at least 10 characters" */
    self->problem = g_strdup_printf (_("Still needed before you can confirm: %s."), missing);
  else
    self->problem = g_strdup (error->message);
  reserve_problem_space (self);
  gtk_label_set_label (self->problem_label, self->problem);
  /* Once shown it stays (empty, its space kept) until the dialog closes. */
  if (!ok)
    gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
  else if (self->problem_height == 0 && !gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
}

/* Automatic items: the same evaluation the action runner applies at send time
 * (tw_guard_live_*), worded for the operator. */

static const char *
service_state_word (TwService *service)
{
  if (tw_service_get_state (service) == TW_SERVICE_STATE_OK && tw_service_get_stale (service))
    return _("Stale");
  return tw_ui_service_state_label (tw_service_get_state (service));
}

static gboolean
eval_health (TwGuardDialog  *self,
             char          **note)
{
  g_autoptr(GPtrArray) bad_services = NULL;
  g_autoptr(GString) bad = g_string_new (NULL);
  guint n = g_list_model_get_n_items (tw_workspace_get_services (self->workspace));
  gboolean ok = tw_guard_live_health_green (self->workspace, &bad_services);

  for (guint i = 0; i < bad_services->len; i++)
    {
      TwService *service = g_ptr_array_index (bad_services, i);

      if (bad->len > 0)
        g_string_append (bad, _(", "));
      /* Translators: a service and its state, e.g. "IBKR assistant (Unreachable)" */
      g_string_append_printf (bad, _("%s (%s)"), tw_service_get_name (service),
                              service_state_word (service));
    }

  if (n == 0)
    {
      *note = g_strdup (_("Automatic — no services in this profile"));
      return FALSE;
    }
  if (ok)
    {
      /* Translators: %u is the number of services */
      *note = g_strdup_printf (ngettext ("Automatic — the service is OK",
                                         "Automatic — all %u services are OK", n), n);
      return TRUE;
    }
  /* Translators: %s lists the services that are not OK */
  *note = g_strdup_printf (_("Automatic — not met: %s"), bad->str);
  return FALSE;
}

static gboolean
eval_broker (TwGuardDialog  *self,
             char          **note)
{
  TwService *source = NULL;
  TwComponent *component = NULL;
  gboolean ok = tw_guard_live_broker_connected (self->workspace, self->service_id, &source, &component);

  if (component != NULL)
    {
      if (ok)
        /* Translators: %s is a service's name */
        *note = g_strdup_printf (_("Automatic — %s reports its broker OK"), tw_service_get_name (source));
      else if (tw_component_get_health (component) == TW_HEALTH_OK)
        /* Translators: %s is a service's name, the second %s its state */
        *note = g_strdup_printf (_("Automatic — not met: %s is %s"), tw_service_get_name (source),
                                 service_state_word (source));
      else
        /* Translators: %s is a service's name, the second %s a health word */
        *note = g_strdup_printf (_("Automatic — not met: %s reports its broker %s"),
                                 tw_service_get_name (source),
                                 tw_ui_health_label (tw_component_get_health (component)));
      return ok;
    }

  if (source == NULL)
    {
      *note = g_strdup (_("Automatic — not met: no broker service in this profile and the service reports no broker"));
      return FALSE;
    }
  if (ok)
    {
      /* Translators: %s is the broker service's name */
      *note = g_strdup_printf (_("Automatic — %s is OK"), tw_service_get_name (source));
      return TRUE;
    }
  /* Translators: the first %s is the broker service's name, the second its state */
  *note = g_strdup_printf (_("Automatic — not met: %s is %s"), tw_service_get_name (source),
                           service_state_word (source));
  return FALSE;
}

static void
update_automatic (TwGuardDialog *self)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      CheckItem *item = g_ptr_array_index (self->items, i);
      g_autofree char *note = NULL;
      gboolean ok;

      if (!tw_guard_check_is_automatic (item->id))
        continue;
      if (self->workspace == NULL)
        {
          ok = FALSE;
          note = g_strdup (_("Automatic — not met: no profile is open"));
        }
      else if (g_str_equal (item->id, TW_GUARD_CHECK_HEALTH_GREEN))
        ok = eval_health (self, &note);
      else if (g_str_equal (item->id, TW_GUARD_CHECK_BROKER_CONNECTED))
        ok = eval_broker (self, &note);
      else
        {
          ok = FALSE;
          note = g_strdup (_("Automatic — not known to this console"));
        }

      self->updating = TRUE;
      gtk_check_button_set_active (item->check, ok);
      self->updating = FALSE;
      if (g_strcmp0 (item->note, note) != 0)
        {
          g_free (item->note);
          item->note = g_steal_pointer (&note);
          adw_action_row_set_subtitle (item->row, item->note);
        }
      tw_ui_set_status_style (GTK_WIDGET (item->row), ok ? NULL : "error");
      tw_guard_request_set_checked (self->request, item->id, ok);
    }
}

static void
service_changed_cb (TwGuardDialog *self)
{
  update_automatic (self);
}

static void
unwatch (TwGuardDialog *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
watch_services (TwGuardDialog *self)
{
  GListModel *services;
  guint n;

  unwatch (self);
  if (self->workspace == NULL)
    return;
  services = tw_workspace_get_services (self->workspace);
  n = g_list_model_get_n_items (services);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      /* Every poll notifies (last-success at least): components are re-read too. */
      g_signal_connect_swapped (service, "notify", G_CALLBACK (service_changed_cb), self);
      g_ptr_array_add (self->watched, g_steal_pointer (&service));
    }
}

/* Manual items and entries */

static void
check_toggled_cb (GtkCheckButton *check,
                  TwGuardDialog  *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "tw-check-id");

  if (self->updating || tw_guard_check_is_automatic (id))
    return;
  tw_guard_request_set_checked (self->request, id, gtk_check_button_get_active (check));
}

static void
reason_changed_cb (TwGuardDialog *self)
{
  tw_guard_request_set_reason (self->request, gtk_editable_get_text (GTK_EDITABLE (self->reason_row)));
}

static void
typed_changed_cb (TwGuardDialog *self)
{
  tw_guard_request_set_typed_confirmation (self->request,
                                           gtk_editable_get_text (GTK_EDITABLE (self->typed_row)));
}

static void
flag_changed_cb (TwGuardDialog *self)
{
  tw_guard_request_set_typed_flag (self->request,
                                   gtk_editable_get_text (GTK_EDITABLE (self->flag_row)));
}

static void
request_changed_cb (TwGuardDialog *self)
{
  update_confirm (self);
}

/* The service's recent trades, if its connector lists them: "Recent trades reviewed"
 * links to its page's Trades. */
static gboolean
can_show_trades (TwGuardDialog *self)
{
  TwClient *client;

  if (self->workspace == NULL || self->service_id == NULL)
    return FALSE;
  client = tw_workspace_get_client (self->workspace, self->service_id);
  return client != NULL && tw_client_has_operation (client, "trades.list");
}

/* Opens the trades in the window behind, and lets go of the window so the operator can
 * read them; the dialog stays, with what was typed. */
static void
show_trades_cb (GtkButton     *button,
                TwGuardDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent == NULL)
    return;
  gtk_window_set_modal (GTK_WINDOW (self), FALSE);
  gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-service", "(ss)", self->service_id, "trades");
}

static void
build_checklist (TwGuardDialog *self)
{
  GPtrArray *checklist = tw_guard_request_get_checklist (self->request);

  for (guint i = 0; i < checklist->len; i++)
    {
      const char *id = g_ptr_array_index (checklist, i);
      gboolean automatic = tw_guard_check_is_automatic (id);
      CheckItem *item = g_new0 (CheckItem, 1);

      item->id = g_strdup (id);
      item->row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (item->row),
                                     g_dgettext (GETTEXT_PACKAGE, tw_guard_check_get_label (id)));
      item->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
      gtk_widget_set_valign (GTK_WIDGET (item->check), GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (item->check), "tw-check-id", g_strdup (id), g_free);
      adw_action_row_add_prefix (item->row, GTK_WIDGET (item->check));
      if (automatic)
        {
          /* Filled from the services' live state: the operator cannot tick it. An
           * activatable row names its widget after its title; this one is named here. */
          gtk_widget_set_sensitive (GTK_WIDGET (item->check), FALSE);
          gtk_accessible_update_property (GTK_ACCESSIBLE (item->check),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          g_dgettext (GETTEXT_PACKAGE, tw_guard_check_get_label (id)),
                                          -1);
        }
      else
        {
          adw_action_row_set_activatable_widget (item->row, GTK_WIDGET (item->check));
          adw_action_row_set_subtitle (item->row, _("Tick when done"));
          gtk_check_button_set_active (item->check, tw_guard_request_get_checked (self->request, id));
          g_signal_connect (item->check, "toggled", G_CALLBACK (check_toggled_cb), self);
        }
      if (g_str_equal (id, TW_GUARD_CHECK_TRADES_REVIEWED) && can_show_trades (self))
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("Open _Trades"));

          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (button, _("Show this service's recent trades in the window"));
          g_signal_connect (button, "clicked", G_CALLBACK (show_trades_cb), self);
          self->trades_button = button;
          adw_action_row_add_suffix (item->row, button);
        }
      adw_preferences_group_add (self->checklist_group, GTK_WIDGET (item->row));
      g_ptr_array_add (self->items, item);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->checklist_group), checklist->len > 0);
}

/* Buttons say what they do with what: "Cancel Order" / "Keep Order", never "Cancel" beside
 * "Cancel an order". Other actions: their title, and "Cancel". */
static const struct
{
  const char *action;
  const char *confirm;
  const char *dismiss;
} button_words[] = {
  { "orders.cancel", N_("C_ancel Order"), N_("_Keep Order") },
  { "orders.cancel_all", N_("C_ancel All Orders"), N_("_Keep Orders") },
  { "positions.close", N_("C_lose Position"), N_("_Keep Position") },
  { "positions.close_all", N_("C_lose All Positions"), N_("_Keep Positions") },
  { "account.flatten", N_("_Flatten"), N_("_Don’t Flatten") },
};

static void
setup (TwGuardDialog *self)
{
  const TwGuardActionInfo *info = tw_guard_lookup_action (tw_guard_request_get_action (self->request));
  TwGuardDirection direction = tw_guard_request_get_direction (self->request);
  const char *title = info != NULL ? g_dgettext (GETTEXT_PACKAGE, info->title)
                                   : tw_guard_request_get_action (self->request);
  const char *target = tw_guard_request_get_target (self->request);
  const char *profile = tw_guard_request_get_profile_name (self->request);
  gboolean live = tw_guard_request_get_mode (self->request) == TW_MODE_LIVE;
  g_autofree char *body = NULL;
  g_autofree char *typed_title = NULL;

  if (live)
    {
      /* Translators: a guard dialog's heading in a live profile; %s is the action */
      g_autofree char *heading = g_strdup_printf (_("%s — LIVE"), title);

      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
    }
  else
    adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), title);
  if (direction == TW_GUARD_DESTRUCTIVE)
    /* Translators: the guard dialog's body; %s is what is acted on, then the profile */
    body = g_strdup_printf (live ? _("Target: %s\nProfile: %s — LIVE, real money.\nThis cannot be undone.")
                                 : _("Target: %s\nProfile: %s — paper.\nThis cannot be undone."),
                            target != NULL ? target : "—", profile != NULL ? profile : "—");
  else
    /* Translators: the guard dialog's body; %s is what is acted on, then the profile */
    body = g_strdup_printf (live ? _("Target: %s\nProfile: %s — LIVE, real money.\nThis moves away from safety: the runbook asks for a reason and its checklist.")
                                 : _("Target: %s\nProfile: %s — paper.\nThis moves away from safety: the runbook asks for a reason and its checklist."),
                            target != NULL ? target : "—", profile != NULL ? profile : "—");
  if (tw_guard_request_get_flag_name (self->request) != NULL)
    {
      g_free (body);
      /* Translators: the guard dialog's body for a feature flag; %s is what is acted on
       * (“ibkr/live_trading_mode: off → on”), then the profile */
      body = g_strdup_printf (live ? _("Target: %s\nProfile: %s — LIVE, real money.\nThis moves away from safety.")
                                   : _("Target: %s\nProfile: %s — paper.\nThis moves away from safety."),
                              target != NULL ? target : "—", profile != NULL ? profile : "—");
    }
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "confirm", title);
  for (guint i = 0; i < G_N_ELEMENTS (button_words); i++)
    if (g_strcmp0 (tw_guard_request_get_action (self->request), button_words[i].action) == 0)
      {
        adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "confirm",
                                               _(button_words[i].confirm));
        adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "cancel",
                                               _(button_words[i].dismiss));
      }
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "confirm",
                                              direction == TW_GUARD_DESTRUCTIVE
                                              ? ADW_RESPONSE_DESTRUCTIVE
                                              : ADW_RESPONSE_SUGGESTED);

  gtk_widget_set_visible (GTK_WIDGET (self->reason_group),
                          tw_guard_request_needs_reason (self->request));
  if (tw_guard_request_get_reason (self->request) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->reason_row), tw_guard_request_get_reason (self->request));

  gtk_widget_set_visible (GTK_WIDGET (self->typed_group),
                          tw_guard_request_needs_typed_name (self->request));
  /* Translators: %s is the profile's name, to be typed */
  typed_title = g_strdup_printf (_("Type “%s” to confirm"), profile != NULL ? profile : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->typed_row), typed_title);
  adw_preferences_group_set_description (self->typed_group,
                                         _("This profile trades real money: type its name to show you mean it."));

  gtk_widget_set_visible (GTK_WIDGET (self->flag_group),
                          tw_guard_request_needs_typed_flag (self->request));
  if (tw_guard_request_needs_typed_flag (self->request))
    {
      /* Translators: %s is a feature flag's name, to be typed */
      g_autofree char *flag_title = g_strdup_printf (_("Type “%s” to confirm"),
                                                     tw_guard_request_get_flag_name (self->request));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->flag_row), flag_title);
    }

  build_checklist (self);
  watch_services (self);
  update_automatic (self);
  g_signal_connect_object (self->request, "changed", G_CALLBACK (request_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_confirm (self);
}

static void
tw_guard_dialog_dispose (GObject *object)
{
  TwGuardDialog *self = TW_GUARD_DIALOG (object);

  unwatch (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_GUARD_DIALOG);

  G_OBJECT_CLASS (tw_guard_dialog_parent_class)->dispose (object);
}

static void
tw_guard_dialog_finalize (GObject *object)
{
  TwGuardDialog *self = TW_GUARD_DIALOG (object);

  g_clear_object (&self->request);
  g_clear_object (&self->workspace);
  g_free (self->service_id);
  g_free (self->problem);
  g_ptr_array_unref (self->watched);
  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (tw_guard_dialog_parent_class)->finalize (object);
}

static void
tw_guard_dialog_class_init (TwGuardDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_guard_dialog_dispose;
  object_class->finalize = tw_guard_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-guard-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TwGuardDialog, reason_group);
  gtk_widget_class_bind_template_child (widget_class, TwGuardDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, TwGuardDialog, checklist_group);
  gtk_widget_class_bind_template_child (widget_class, TwGuardDialog, typed_group);
  gtk_widget_class_bind_template_child (widget_class, TwGuardDialog, typed_row);
  gtk_widget_class_bind_template_child (widget_class, TwGuardDialog, flag_group);
  gtk_widget_class_bind_template_child (widget_class, TwGuardDialog, flag_row);
  gtk_widget_class_bind_template_child (widget_class, TwGuardDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, reason_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, typed_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, flag_changed_cb);
}

static void
tw_guard_dialog_init (TwGuardDialog *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) check_item_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tw_guard_dialog_new (GtkWindow      *parent,
                     TwGuardRequest *request,
                     TwWorkspace    *workspace,
                     const char     *service_id)
{
  TwGuardDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (request), NULL);
  g_return_val_if_fail (workspace == NULL || TW_IS_WORKSPACE (workspace), NULL);

  self = g_object_new (TW_TYPE_GUARD_DIALOG, "transient-for", parent, NULL);
  self->request = g_object_ref (request);
  self->workspace = workspace != NULL ? g_object_ref (workspace) : NULL;
  self->service_id = g_strdup (service_id);
  setup (self);
  return GTK_WIDGET (self);
}

TwGuardRequest *
tw_guard_dialog_get_request (TwGuardDialog *self)
{
  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), NULL);

  return self->request;
}

gboolean
tw_guard_dialog_get_can_confirm (TwGuardDialog *self)
{
  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), FALSE);

  return adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (self), "confirm");
}

void
tw_guard_dialog_set_reason (TwGuardDialog *self,
                            const char    *reason)
{
  g_return_if_fail (TW_IS_GUARD_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), reason != NULL ? reason : "");
}

void
tw_guard_dialog_set_typed_name (TwGuardDialog *self,
                                const char    *text)
{
  g_return_if_fail (TW_IS_GUARD_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->typed_row), text != NULL ? text : "");
}

void
tw_guard_dialog_set_typed_flag (TwGuardDialog *self,
                                const char    *text)
{
  g_return_if_fail (TW_IS_GUARD_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->flag_row), text != NULL ? text : "");
}

gboolean
tw_guard_dialog_has_flag_entry (TwGuardDialog *self)
{
  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->flag_group));
}

gboolean
tw_guard_dialog_set_checked (TwGuardDialog *self,
                             const char    *check_id,
                             gboolean       checked)
{
  CheckItem *item;

  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), FALSE);

  item = find_item (self, check_id);
  if (item == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (item->check)))
    return FALSE;
  gtk_check_button_set_active (item->check, checked);
  return TRUE;
}

gboolean
tw_guard_dialog_get_check_sensitive (TwGuardDialog *self,
                                     const char    *check_id)
{
  CheckItem *item;

  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), FALSE);

  item = find_item (self, check_id);
  return item != NULL && gtk_widget_get_sensitive (GTK_WIDGET (item->check));
}

const char *
tw_guard_dialog_get_check_note (TwGuardDialog *self,
                                const char    *check_id)
{
  CheckItem *item;

  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), NULL);

  item = find_item (self, check_id);
  return item != NULL ? item->note : NULL;
}

const char *
tw_guard_dialog_get_problem (TwGuardDialog *self)
{
  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), NULL);

  return self->problem;
}

gboolean
tw_guard_dialog_has_reason_entry (TwGuardDialog *self)
{
  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->reason_group));
}

gboolean
tw_guard_dialog_has_typed_entry (TwGuardDialog *self)
{
  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->typed_group));
}

/* The async front door */

typedef struct
{
  TwGuardDialog *dialog;        /* weak */
  gulong         cancelled_id;
} ConfirmData;

static void
confirm_data_free (gpointer user_data)
{
  ConfirmData *data = user_data;

  g_clear_weak_pointer (&data->dialog);
  g_free (data);
}

/* Answers @task once: disconnects from the dialog and the cancellable. */
static void
confirm_return (GTask  *task,
                GError *error)
{
  ConfirmData *data = g_task_get_task_data (task);

  if (data->dialog != NULL)
    g_signal_handlers_disconnect_by_data (data->dialog, task);
  g_cancellable_disconnect (g_task_get_cancellable (task), data->cancelled_id);
  data->cancelled_id = 0;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
confirm_response_cb (TwGuardDialog *self,
                     const char    *response,
                     GTask         *task)
{
  /* Checked again: a programmatic "confirm" must not get past the guard. */
  if (g_strcmp0 (response, "confirm") == 0 && tw_guard_request_check (self->request, NULL))
    confirm_return (task, NULL);
  else
    confirm_return (task, g_error_new_literal (TW_ERROR, TW_ERROR_DISMISSED,
                                               _("The action was cancelled: nothing was sent")));
}

/* The caller's cancellable was cancelled (its page went away): the dialog goes too. Runs
 * in the thread that cancelled, which for a widget's cancellable is the main thread. */
static void
confirm_cancelled_cb (GCancellable *cancellable,
                      GTask        *task)
{
  ConfirmData *data = g_task_get_task_data (task);
  TwGuardDialog *dialog = data->dialog;

  /* Not g_cancellable_disconnect(): from inside the handler it would wait for itself. */
  g_signal_handler_disconnect (cancellable, data->cancelled_id);
  data->cancelled_id = 0;
  if (dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (dialog, task);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
}

GtkWidget *
tw_guard_confirm_async (GtkWindow           *parent,
                        TwGuardRequest      *request,
                        TwWorkspace         *workspace,
                        const char          *service_id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ConfirmData *data;
  GtkWidget *dialog;

  g_return_val_if_fail (TW_IS_GUARD_REQUEST (request), NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_guard_confirm_async);

  if (g_task_return_error_if_cancelled (task))
    return NULL;
  if (tw_guard_request_get_direction (request) == TW_GUARD_TOWARD_SAFETY)
    {
      /* Toward safety: one click, no dialog. */
      g_task_return_boolean (task, TRUE);
      return NULL;
    }

  dialog = tw_guard_dialog_new (parent, request, workspace, service_id);
  data = g_new0 (ConfirmData, 1);
  g_set_weak_pointer (&data->dialog, TW_GUARD_DIALOG (dialog));
  g_task_set_task_data (task, data, confirm_data_free);
  /* Answered once, by the dialog's response or by the cancellable, whichever comes first:
   * that answer drops the reference taken here. */
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), task);
  if (cancellable != NULL)
    data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (confirm_cancelled_cb),
                                                task, NULL);
  g_steal_pointer (&task);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

gboolean
tw_guard_confirm_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

GtkWidget *
tw_guard_dialog_get_trades_button (TwGuardDialog *self)
{
  g_return_val_if_fail (TW_IS_GUARD_DIALOG (self), NULL);
  return self->trades_button;
}
