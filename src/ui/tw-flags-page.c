/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-flags-page.h"
#include "tw-flags-page-private.h"

#include <glib/gi18n.h>

#include "tw-error.h"
#include "tw-guard-dialog.h"
#include "tw-ui-util.h"
#include "tw-window.h"

struct _TwFlagsPage
{
  AdwBin         parent_instance;

  TwFlags       *flags;
  TwWorkspace   *workspace;
  GCancellable  *cancellable;
  GPtrArray     *rows;          /* AdwActionRow, one per flag */
  GtkWidget     *guard_dialog;  /* weak */
  char          *failure;

  GtkSearchEntry *search_entry;
  GtkDropDown    *revert_dropdown;
  GtkLabel       *revert_label;
  GtkRevealer    *failure_revealer;
  GtkLabel       *failure_label;
  AdwStatusPage  *empty_page;
  GtkBox         *groups_box;
};

static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwFlagsPage, tw_flags_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))

enum {
  CHANGE_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The widgets of one flag's row, kept on the row ("tw-flag-row"). */
typedef struct
{
  TwFlagsPage  *page;      /* unowned: the page owns the row */
  TwFlag       *flag;
  AdwActionRow *row;
  GtkLabel     *value_label;
  GtkLabel     *risk_label;
  GtkImage     *lock_image;
  GtkSwitch    *toggle;
  GtkButton    *change_button;
  GtkButton    *revert_button;
  gboolean      updating;
} FlagRow;

static void
flag_row_free (FlagRow *fr)
{
  g_clear_object (&fr->flag);
  g_free (fr);
}

static const char *
risk_word (TwFlagRisk risk)
{
  switch (risk)
    {
    case TW_FLAG_RISK_CRITICAL: return _("critical");
    case TW_FLAG_RISK_HIGH: return _("high risk");
    case TW_FLAG_RISK_NORMAL:
    default: return _("normal");
    }
}

static const char *
type_word (TwFlagType type)
{
  switch (type)
    {
    case TW_FLAG_TYPE_NUMBER: return _("number");
    case TW_FLAG_TYPE_STRING: return _("text");
    case TW_FLAG_TYPE_BOOLEAN:
    default: return _("on/off");
    }
}

static char *
layer_text (TwFlag *flag)
{
  const char *detail = tw_flag_get_layer_detail (flag);

  switch (tw_flag_get_layer (flag))
    {
    case TW_FLAG_LAYER_ENV:
      /* Translators: %s is e.g. “LIVE_TRADING_MODE=true in /srv/ibkr/.env” */
      return g_strdup_printf (_("Pinned by the environment: %s — a runtime toggle will not hold"),
                              detail);
    case TW_FLAG_LAYER_FILE:
      /* Translators: %s is e.g. “true in /srv/ibkr/feature_flags.json” */
      return g_strdup_printf (_("Set by the file: %s"), detail);
    case TW_FLAG_LAYER_DEFAULT:
      return g_strdup (_("Code default (neither the environment nor the file sets it)"));
    case TW_FLAG_LAYER_UNKNOWN:
    default:
      return g_strdup (_("Layer unknown: add the service’s .env and feature_flags.json paths to the profile to know it"));
    }
}

static void
update_row (FlagRow *fr)
{
  TwFlag *flag = fr->flag;
  g_autofree char *value = tw_flag_format_value (flag, tw_flag_get_value (flag));
  g_autofree char *layer = layer_text (flag);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  const char *description = tw_flag_get_description (flag);
  const char *last = tw_flag_get_last_change (flag);
  GDateTime *revert_at = tw_flag_get_revert_at (flag);
  gboolean busy = tw_flag_get_busy (flag);
  TwFlagRisk risk = tw_flag_get_risk (flag);

  fr->updating = TRUE;

  /* Translators: a flag's name and its type, e.g. “live_trading_mode · on/off” */
  g_string_append_printf (subtitle, _("%s · %s"), tw_flag_get_name (flag),
                          type_word (tw_flag_get_flag_type (flag)));
  if (description != NULL)
    g_string_append_printf (subtitle, "\n%s", g_dgettext (GETTEXT_PACKAGE, description));
  g_string_append_printf (subtitle, "\n%s", layer);
  if (fr->toggle == NULL && fr->change_button == NULL && tw_flag_get_env_variable (flag) != NULL)
    {
      g_string_append_c (subtitle, '\n');
      /* Translators: %s is an environment variable, e.g. AUTO_APPROVAL_MAX_NOTIONAL */
      g_string_append_printf (subtitle, _("Read-only here: set %s in the service’s environment "
                                          "and restart it to change it"),
                              tw_flag_get_env_variable (flag));
    }
  if (last != NULL)
    /* Translators: the last change of a flag through this console (who, when, what, why) */
    g_string_append_printf (subtitle, "\n%s", last);
  if (revert_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (revert_at);
      g_autofree char *when = g_date_time_format (local, "%H:%M");

      g_string_append_c (subtitle, '\n');
      /* Translators: %s is a time of day */
      g_string_append_printf (subtitle, _("Reverts by itself at %s"), when);
    }
  adw_action_row_set_subtitle (fr->row, subtitle->str);

  gtk_label_set_label (fr->value_label, value);
  gtk_label_set_label (fr->risk_label, risk_word (risk));
  gtk_widget_set_visible (GTK_WIDGET (fr->risk_label), risk != TW_FLAG_RISK_NORMAL);
  /* Transparent rather than hidden, so that every title starts at the same place. */
  gtk_widget_set_opacity (GTK_WIDGET (fr->lock_image), tw_flag_get_locked (flag) ? 1 : 0);
  gtk_accessible_update_state (GTK_ACCESSIBLE (fr->lock_image), GTK_ACCESSIBLE_STATE_HIDDEN,
                               !tw_flag_get_locked (flag), -1);
  gtk_widget_set_has_tooltip (GTK_WIDGET (fr->lock_image), tw_flag_get_locked (flag));

  if (fr->toggle != NULL)
    {
      gtk_switch_set_state (fr->toggle, tw_flag_get_boolean (flag));
      gtk_switch_set_active (fr->toggle, tw_flag_get_boolean (flag));
      gtk_widget_set_sensitive (GTK_WIDGET (fr->toggle), tw_flag_get_known (flag) && !busy);
    }
  if (fr->change_button != NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (fr->change_button), tw_flag_get_known (flag) && !busy);
  gtk_widget_set_visible (GTK_WIDGET (fr->revert_button), revert_at != NULL);

  fr->updating = FALSE;
}

/* ---- changing a flag ---- */

typedef struct
{
  TwFlagsPage    *page;
  TwFlag         *flag;
  TwGuardRequest *request;
  char           *value;
  guint           revert_after;
} Change;

static void
change_free (Change *change)
{
  g_clear_object (&change->page);
  g_clear_object (&change->flag);
  g_clear_object (&change->request);
  g_free (change->value);
  g_free (change);
}

static FlagRow *
find_row (TwFlagsPage *self,
          TwFlag      *flag)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      FlagRow *fr = g_object_get_data (g_ptr_array_index (self->rows, i), "tw-flag-row");

      if (fr->flag == flag)
        return fr;
    }
  return NULL;
}

static void
set_failure (TwFlagsPage *self,
             const char  *text)
{
  g_free (self->failure);
  self->failure = g_strdup (text);
  if (text != NULL)
    gtk_label_set_label (self->failure_label, text);
  /* Hidden, not only folded: a crossfading revealer keeps its child's height. */
  gtk_widget_set_visible (GTK_WIDGET (self->failure_revealer), text != NULL);
  gtk_revealer_set_reveal_child (self->failure_revealer, text != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flags.dismiss", text != NULL);
}

static void
change_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Change *change = user_data;
  TwFlagsPage *self = change->page;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FlagRow *fr;
  gboolean ok;

  ok = tw_flags_change_finish (TW_FLAGS (object), result, &error);
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      change_free (change);
      return;
    }

  if (ok)
    {
      g_autofree char *value = tw_flag_format_value (change->flag, change->value);
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      /* Translators: a service's name, a flag's name and its new value */
      text = g_strdup_printf (_("%s: %s is now %s"), tw_flag_get_service_name (change->flag),
                              tw_flag_get_name (change->flag), value);
      if (TW_IS_WINDOW (root))
        tw_window_add_toast (TW_WINDOW (root), tw_ui_result_toast_new (text, TRUE));
    }
  else
    {
      /* Loud: a change that did not hold stays on the page until dismissed. */
      text = g_strdup (error->message);
      set_failure (self, text);
    }
  fr = find_row (self, change->flag);
  if (fr != NULL)
    update_row (fr);
  g_signal_emit (self, signals[CHANGE_FINISHED], 0, tw_flag_get_service_id (change->flag),
                 tw_flag_get_name (change->flag), ok, text);
  change_free (change);
}

static void
confirm_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Change *change = user_data;
  TwFlagsPage *self = change->page;
  g_autoptr(GError) error = NULL;
  FlagRow *fr;

  g_clear_weak_pointer (&self->guard_dialog);
  if (!tw_guard_confirm_finish (result, &error) || self->flags == NULL)
    {
      /* Cancelled in the dialog: nothing is sent; the switch goes back. */
      fr = find_row (self, change->flag);
      if (fr != NULL)
        update_row (fr);
      change_free (change);
      return;
    }
  tw_flags_change_async (self->flags, change->flag, change->request, change->value,
                         change->revert_after, self->cancellable, change_done_cb, change);
}

static void
start_change (TwFlagsPage *self,
              TwFlag      *flag,
              const char  *value)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  Change *change;

  if (self->flags == NULL)
    return;
  change = g_new0 (Change, 1);
  change->page = g_object_ref (self);
  change->flag = g_object_ref (flag);
  change->value = g_strdup (value);
  change->revert_after = tw_flags_page_get_revert_after (self);
  change->request = tw_flags_new_request (self->flags, flag, value);
  g_clear_weak_pointer (&self->guard_dialog);
  self->guard_dialog = tw_guard_confirm_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               change->request, self->workspace,
                                               tw_flag_get_service_id (flag), self->cancellable,
                                               confirm_done_cb, change);
  if (self->guard_dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (self->guard_dialog), (gpointer *) &self->guard_dialog);
}

static gboolean
state_set_cb (GtkSwitch *toggle,
              gboolean   state,
              FlagRow   *fr)
{
  if (fr->updating)
    return FALSE;
  /* The switch shows the flag's value as read back, never the wish. */
  start_change (fr->page, fr->flag, state ? "true" : "false");
  return TRUE;
}

/* A number: a dialog with its bounds and unit, old → new, then the guard. */

static void
number_changed_cb (GtkSpinButton *spin,
                   GtkLabel      *label)
{
  TwFlag *flag = g_object_get_data (G_OBJECT (spin), "tw-flag");
  g_autofree char *old_text = tw_flag_format_value (flag, tw_flag_get_value (flag));
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *new_text =
    tw_flag_format_value (flag, g_ascii_dtostr (buf, sizeof buf, gtk_spin_button_get_value (spin)));
  /* Translators: a flag's value before and after, e.g. “1000 USD → 500 USD” */
  g_autofree char *text = g_strdup_printf (_("%s → %s"), old_text, new_text);

  gtk_label_set_label (label, text);
}

static void
number_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FlagRow          *fr)
{
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "tw-spin");
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (g_strcmp0 (response, "set") == 0)
    start_change (fr->page, fr->flag,
                  g_ascii_dtostr (buf, sizeof buf, gtk_spin_button_get_value (spin)));
}

static void
change_clicked_cb (GtkButton *button,
                   FlagRow   *fr)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (fr->page));
  GtkWidget *dialog, *box, *spin, *label;
  double min = 0, max = G_MAXDOUBLE;
  /* Translators: %s is a flag's label */
  g_autofree char *heading = g_strdup_printf (_("Change %s"), tw_flag_get_label (fr->flag));

  tw_flag_get_bounds (fr->flag, &min, &max);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, NULL);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  spin = gtk_spin_button_new_with_range (min, max, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), tw_flag_get_number (fr->flag));
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tw_flag_get_name (fr->flag), -1);
  label = gtk_label_new (NULL);
  g_object_set_data (G_OBJECT (spin), "tw-flag", fr->flag);
  g_signal_connect (spin, "value-changed", G_CALLBACK (number_changed_cb), label);
  number_changed_cb (GTK_SPIN_BUTTON (spin), GTK_LABEL (label));
  gtk_box_append (GTK_BOX (box), spin);
  gtk_box_append (GTK_BOX (box), label);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_object_set_data (G_OBJECT (dialog), "tw-spin", spin);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "set", _("_Set"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "set",
                                              ADW_RESPONSE_SUGGESTED);
  g_signal_connect (dialog, "response", G_CALLBACK (number_response_cb), fr);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
revert_clicked_cb (GtkButton *button,
                   FlagRow   *fr)
{
  if (fr->page->flags != NULL)
    tw_flags_cancel_revert (fr->page->flags, fr->flag);
}

/* ---- building ---- */

static void
flag_notify_cb (TwFlag     *flag,
                GParamSpec *pspec,
                GtkWidget  *row)
{
  FlagRow *fr = g_object_get_data (G_OBJECT (row), "tw-flag-row");

  if (fr != NULL)
    update_row (fr);
}

static GtkWidget *
build_row (TwFlagsPage *self,
           TwFlag      *flag)
{
  FlagRow *fr = g_new0 (FlagRow, 1);
  GtkWidget *row = adw_action_row_new ();
  /* Translators: the accessible name of a flag's switch; %s is the flag's name */
  g_autofree char *toggle_name = g_strdup_printf (_("Toggle %s"), tw_flag_get_name (flag));
  /* Translators: %s is a flag's name */
  g_autofree char *revert_name = g_strdup_printf (_("Cancel the pending revert of %s"),
                                                  tw_flag_get_name (flag));

  fr->page = self;
  fr->flag = g_object_ref (flag);
  fr->row = ADW_ACTION_ROW (row);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 g_dgettext (GETTEXT_PACKAGE, tw_flag_get_label (flag)));
  adw_action_row_set_subtitle_lines (fr->row, 0);
  gtk_widget_set_name (row, tw_flag_get_name (flag));

  fr->lock_image = GTK_IMAGE (gtk_image_new_from_icon_name ("changes-prevent-symbolic"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (fr->lock_image),
                               _("Pinned by an environment variable: a runtime toggle will not hold"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (fr->lock_image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Locked by the environment"), -1);
  adw_action_row_add_prefix (fr->row, GTK_WIDGET (fr->lock_image));

  fr->risk_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_valign (GTK_WIDGET (fr->risk_label), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (fr->risk_label), "tw-page-badge");
  gtk_widget_add_css_class (GTK_WIDGET (fr->risk_label),
                            tw_flag_get_risk (flag) == TW_FLAG_RISK_CRITICAL ? "error" : "warning");
  adw_action_row_add_suffix (fr->row, GTK_WIDGET (fr->risk_label));

  fr->value_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (fr->value_label), "numeric");
  adw_action_row_add_suffix (fr->row, GTK_WIDGET (fr->value_label));

  fr->revert_button = GTK_BUTTON (gtk_button_new_from_icon_name ("edit-undo-symbolic"));
  gtk_widget_set_valign (GTK_WIDGET (fr->revert_button), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (fr->revert_button), revert_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (fr->revert_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  revert_name, -1);
  g_signal_connect (fr->revert_button, "clicked", G_CALLBACK (revert_clicked_cb), fr);
  adw_action_row_add_suffix (fr->row, GTK_WIDGET (fr->revert_button));

  if (tw_flag_get_flag_type (flag) == TW_FLAG_TYPE_BOOLEAN &&
      tw_flags_operation_for (self->flags, flag, "true") != NULL)
    {
      fr->toggle = GTK_SWITCH (gtk_switch_new ());
      gtk_widget_set_valign (GTK_WIDGET (fr->toggle), GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (fr->toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      toggle_name, -1);
      g_signal_connect (fr->toggle, "state-set", G_CALLBACK (state_set_cb), fr);
      adw_action_row_add_suffix (fr->row, GTK_WIDGET (fr->toggle));
      adw_action_row_set_activatable_widget (fr->row, GTK_WIDGET (fr->toggle));
    }
  else if (tw_flag_get_flag_type (flag) == TW_FLAG_TYPE_NUMBER &&
           tw_flags_operation_for (self->flags, flag, "0") != NULL)
    {
      /* Translators: %s is a flag's name */
      g_autofree char *change_name = g_strdup_printf (_("Change %s"), tw_flag_get_name (flag));

      fr->change_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("C_hange…")));
      gtk_widget_set_valign (GTK_WIDGET (fr->change_button), GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (fr->change_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, change_name, -1);
      g_signal_connect (fr->change_button, "clicked", G_CALLBACK (change_clicked_cb), fr);
      adw_action_row_add_suffix (fr->row, GTK_WIDGET (fr->change_button));
    }

  g_object_set_data_full (G_OBJECT (row), "tw-flag-row", fr, (GDestroyNotify) flag_row_free);
  g_signal_connect_object (flag, "notify", G_CALLBACK (flag_notify_cb), row, 0);
  update_row (fr);
  return row;
}

static gboolean
matches (TwFlag     *flag,
         const char *needle)
{
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;

  if (needle == NULL || *needle == '\0')
    return TRUE;
  name = g_utf8_casefold (tw_flag_get_name (flag), -1);
  label = g_utf8_casefold (g_dgettext (GETTEXT_PACKAGE, tw_flag_get_label (flag)), -1);
  return strstr (name, needle) != NULL || strstr (label, needle) != NULL;
}

static void
search_changed_cb (TwFlagsPage *self)
{
  g_autofree char *needle = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      FlagRow *fr = g_object_get_data (G_OBJECT (row), "tw-flag-row");

      gtk_widget_set_visible (row, matches (fr->flag, g_strstrip (needle)));
    }
}

static void
clear_groups (TwFlagsPage *self)
{
  GtkWidget *child;

  g_ptr_array_set_size (self->rows, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);
}

static void
rebuild (TwFlagsPage *self)
{
  AdwPreferencesGroup *group = NULL;
  const char *group_service = NULL;
  guint n = self->flags != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->flags)) : 0;

  clear_groups (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwFlag) flag = g_list_model_get_item (G_LIST_MODEL (self->flags), i);
      GtkWidget *row;

      if (group == NULL || g_strcmp0 (group_service, tw_flag_get_service_id (flag)) != 0)
        {
          group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (group, tw_flag_get_service_name (flag));
          gtk_box_append (self->groups_box, GTK_WIDGET (group));
          group_service = tw_flag_get_service_id (flag);
        }
      row = build_row (self, flag);
      g_ptr_array_add (self->rows, row);
      adw_preferences_group_add (group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), self->flags != NULL && n == 0);
  search_changed_cb (self);
}

/* ---- actions ---- */

static void
set_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  TwFlagsPage *self = TW_FLAGS_PAGE (widget);
  const char *service_id, *name, *value;
  TwFlag *flag;

  g_variant_get (parameter, "(&s&s&s)", &service_id, &name, &value);
  flag = self->flags != NULL ? tw_flags_lookup (self->flags, service_id, name) : NULL;
  if (flag != NULL)
    start_change (self, flag, value);
}

static void
cancel_revert_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TwFlagsPage *self = TW_FLAGS_PAGE (widget);
  const char *service_id, *name;
  TwFlag *flag;

  g_variant_get (parameter, "(&s&s)", &service_id, &name);
  flag = self->flags != NULL ? tw_flags_lookup (self->flags, service_id, name) : NULL;
  if (flag != NULL)
    tw_flags_cancel_revert (self->flags, flag);
}

static void
dismiss_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  set_failure (TW_FLAGS_PAGE (widget), NULL);
}

/* ---- public ---- */

/* The rows of the old flags go at once; the new ones are built when the page is shown:
 * flags come in service by service while a profile opens, and 200 services rebuilt
 * every row each time one answered, for a page not looked at yet. */
static void
queue_rebuild (TwFlagsPage *self)
{
  clear_groups (self);
  tw_ui_update_when_mapped (GTK_WIDGET (self), (TwUiUpdateFunc) rebuild);
}

static void
items_changed_cb (TwFlagsPage *self)
{
  queue_rebuild (self);
}

void
tw_flags_page_set_flags (TwFlagsPage *self,
                         TwFlags     *flags,
                         TwWorkspace *workspace)
{
  g_return_if_fail (TW_IS_FLAGS_PAGE (self));

  if (self->flags == flags)
    return;
  if (self->flags != NULL)
    g_signal_handlers_disconnect_by_data (self->flags, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->flags, flags);
  g_set_object (&self->workspace, workspace);
  set_failure (self, NULL);
  if (flags != NULL)
    g_signal_connect_object (flags, "items-changed", G_CALLBACK (items_changed_cb), self,
                             G_CONNECT_SWAPPED);
  queue_rebuild (self);
}

const char *
tw_flags_page_get_failure (TwFlagsPage *self)
{
  g_return_val_if_fail (TW_IS_FLAGS_PAGE (self), NULL);
  return self->failure;
}

/* Seconds to the next 16:00 in New York, the close of the US trading day. */
static guint
seconds_to_close (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  g_autoptr(GDateTime) now = g_date_time_new_now (tz != NULL ? tz : g_time_zone_new_utc ());
  g_autoptr(GDateTime) close = g_date_time_new (g_date_time_get_timezone (now),
                                                g_date_time_get_year (now),
                                                g_date_time_get_month (now),
                                                g_date_time_get_day_of_month (now), 16, 0, 0);
  GTimeSpan span = g_date_time_difference (close, now);

  if (span <= 0)
    span += G_TIME_SPAN_DAY;
  return (guint) (span / G_TIME_SPAN_SECOND);
}

guint
tw_flags_page_get_revert_after (TwFlagsPage *self)
{
  g_return_val_if_fail (TW_IS_FLAGS_PAGE (self), 0);

  switch (gtk_drop_down_get_selected (self->revert_dropdown))
    {
    case 1: return 15 * 60;
    case 2: return 60 * 60;
    case 3: return 4 * 60 * 60;
    case 4: return seconds_to_close ();
    default: return 0;
    }
}

GtkWidget *
tw_flags_page_get_guard_dialog (TwFlagsPage *self)
{
  g_return_val_if_fail (TW_IS_FLAGS_PAGE (self), NULL);
  return self->guard_dialog;
}

GtkWidget *
tw_flags_page_get_row (TwFlagsPage *self,
                       const char  *service_id,
                       const char  *name)
{
  g_return_val_if_fail (TW_IS_FLAGS_PAGE (self), NULL);

  tw_ui_flush_update (GTK_WIDGET (self));
  for (guint i = 0; i < self->rows->len; i++)
    {
      FlagRow *fr = g_object_get_data (g_ptr_array_index (self->rows, i), "tw-flag-row");

      if (g_strcmp0 (tw_flag_get_service_id (fr->flag), service_id) == 0 &&
          g_strcmp0 (tw_flag_get_name (fr->flag), name) == 0)
        return GTK_WIDGET (fr->row);
    }
  return NULL;
}

GtkWidget *
tw_flags_page_get_search_entry (TwFlagsPage *self)
{
  g_return_val_if_fail (TW_IS_FLAGS_PAGE (self), NULL);
  return GTK_WIDGET (self->search_entry);
}

GtkWidget *
tw_flags_page_get_switch (TwFlagsPage *self,
                          const char  *service_id,
                          const char  *name)
{
  GtkWidget *row = tw_flags_page_get_row (self, service_id, name);
  FlagRow *fr = row != NULL ? g_object_get_data (G_OBJECT (row), "tw-flag-row") : NULL;

  return fr != NULL && fr->toggle != NULL ? GTK_WIDGET (fr->toggle) : NULL;
}

GtkWidget *
tw_flags_page_new (void)
{
  return g_object_new (TW_TYPE_FLAGS_PAGE, NULL);
}

/* ---- GObject ---- */

static void
session_page_set_session (TwSessionPage *page,
                          TwSession     *session)
{
  TwFlagsPage *self = TW_FLAGS_PAGE (page);

  tw_flags_page_set_flags (self, session != NULL ? tw_session_get_flags (session) : NULL,
                           session != NULL ? tw_session_get_workspace (session) : NULL);
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = session_page_set_session;
}

static void
tw_flags_page_dispose (GObject *object)
{
  TwFlagsPage *self = TW_FLAGS_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->flags != NULL)
    g_signal_handlers_disconnect_by_data (self->flags, self);
  clear_groups (self);
  g_clear_weak_pointer (&self->guard_dialog);
  g_clear_object (&self->flags);
  g_clear_object (&self->workspace);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_FLAGS_PAGE);

  G_OBJECT_CLASS (tw_flags_page_parent_class)->dispose (object);
}

static void
tw_flags_page_finalize (GObject *object)
{
  TwFlagsPage *self = TW_FLAGS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->rows);
  g_free (self->failure);

  G_OBJECT_CLASS (tw_flags_page_parent_class)->finalize (object);
}

static void
tw_flags_page_class_init (TwFlagsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_flags_page_dispose;
  object_class->finalize = tw_flags_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-flags-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwFlagsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TwFlagsPage, revert_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TwFlagsPage, revert_label);
  gtk_widget_class_bind_template_child (widget_class, TwFlagsPage, failure_revealer);
  gtk_widget_class_bind_template_child (widget_class, TwFlagsPage, failure_label);
  gtk_widget_class_bind_template_child (widget_class, TwFlagsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TwFlagsPage, groups_box);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);

  gtk_widget_class_install_action (widget_class, "flags.set", "(sss)", set_action);
  gtk_widget_class_install_action (widget_class, "flags.cancel-revert", "(ss)", cancel_revert_action);
  gtk_widget_class_install_action (widget_class, "flags.dismiss", NULL, dismiss_action);

  /**
   * TwFlagsPage::change-finished:
   *
   * A change ended (after the guard dialog and the read-back): service id, flag name,
   * whether it holds, the message shown.
   */
  signals[CHANGE_FINISHED] =
    g_signal_new ("change-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
tw_flags_page_init (TwFlagsPage *self)
{
  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flags.dismiss", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->failure_revealer), FALSE);
  /* The drop-down's button takes the focus: named by the label, as the drop-down is. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (gtk_widget_get_first_child (GTK_WIDGET (self->revert_dropdown))),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->revert_label, NULL, -1);
}
