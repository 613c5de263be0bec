/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-ui-util.h"

#include <string.h>

#include <glib/gi18n.h>

const char *
tw_ui_service_state_icon (TwServiceState state)
{
  switch (state)
    {
    case TW_SERVICE_STATE_OK:
      return "emblem-ok-symbolic";
    case TW_SERVICE_STATE_DEGRADED:
      return "dialog-warning-symbolic";
    case TW_SERVICE_STATE_UNREACHABLE:
      return "network-offline-symbolic";
    case TW_SERVICE_STATE_AUTH_FAILED:
      return "dialog-password-symbolic";
    case TW_SERVICE_STATE_ERROR:
      return "dialog-error-symbolic";
    case TW_SERVICE_STATE_UNKNOWN:
    default:
      return "content-loading-symbolic";
    }
}

const char *
tw_ui_service_state_label (TwServiceState state)
{
  switch (state)
    {
    case TW_SERVICE_STATE_OK:
      return _("OK");
    case TW_SERVICE_STATE_DEGRADED:
      return _("Degraded");
    case TW_SERVICE_STATE_UNREACHABLE:
      return _("Unreachable");
    case TW_SERVICE_STATE_AUTH_FAILED:
      return _("Authentication failed");
    case TW_SERVICE_STATE_ERROR:
      return _("Error");
    case TW_SERVICE_STATE_UNKNOWN:
    default:
      return _("Waiting for first answer");
    }
}

const char *
tw_ui_service_state_style (TwServiceState state)
{
  switch (state)
    {
    case TW_SERVICE_STATE_OK:
      return "success";
    case TW_SERVICE_STATE_DEGRADED:
      return "warning";
    case TW_SERVICE_STATE_UNREACHABLE:
    case TW_SERVICE_STATE_AUTH_FAILED:
    case TW_SERVICE_STATE_ERROR:
      return "error";
    case TW_SERVICE_STATE_UNKNOWN:
    default:
      return NULL;
    }
}

const char *
tw_ui_health_icon (TwHealth health)
{
  switch (health)
    {
    case TW_HEALTH_OK:
      return "emblem-ok-symbolic";
    case TW_HEALTH_DEGRADED:
      return "dialog-warning-symbolic";
    case TW_HEALTH_DOWN:
      return "dialog-error-symbolic";
    case TW_HEALTH_UNKNOWN:
    default:
      return "content-loading-symbolic";
    }
}

const char *
tw_ui_health_label (TwHealth health)
{
  switch (health)
    {
    case TW_HEALTH_OK:
      return _("OK");
    case TW_HEALTH_DEGRADED:
      return _("Degraded");
    case TW_HEALTH_DOWN:
      return _("Down");
    case TW_HEALTH_UNKNOWN:
    default:
      return _("Unknown");
    }
}

const char *
tw_ui_health_style (TwHealth health)
{
  switch (health)
    {
    case TW_HEALTH_OK:
      return "success";
    case TW_HEALTH_DEGRADED:
      return "warning";
    case TW_HEALTH_DOWN:
      return "error";
    case TW_HEALTH_UNKNOWN:
    default:
      return NULL;
    }
}

const char *
tw_ui_trading_mode_style (TwTradingMode mode)
{
  switch (mode)
    {
    case TW_TRADING_HALTED:
      return "error";
    case TW_TRADING_REDUCING:
      return "warning";
    case TW_TRADING_ACTIVE:
      return "success";
    case TW_TRADING_UNKNOWN:
    default:
      return NULL;
    }
}

static GQuark
status_style_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("tw-ui-status-style");
  return quark;
}

const char *
tw_ui_get_status_style (GtkWidget *widget)
{
  const char *style;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  style = g_object_get_qdata (G_OBJECT (widget), status_style_quark ());
  return style != NULL && *style != '\0' ? style : NULL;
}

void
tw_ui_set_status_style (GtkWidget  *widget,
                        const char *style)
{
  static const char * const styles[] = { "success", "warning", "error", "accent" };
  GQuark style_quark = status_style_quark ();
  const char *current;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* Rows set their style with every answer: most calls change nothing, and each
   * class removed costs GTK a look-up under a global lock. The style last set is
   * kept on the widget ("" for none). */
  current = g_object_get_qdata (G_OBJECT (widget), style_quark);
  if (current != NULL && g_str_equal (current, style != NULL ? style : ""))
    return;
  g_object_set_qdata_full (G_OBJECT (widget), style_quark, g_strdup (style != NULL ? style : ""), g_free);

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_strcmp0 (styles[i], style) != 0)
      gtk_widget_remove_css_class (widget, styles[i]);
  if (style != NULL)
    gtk_widget_add_css_class (widget, style);
}

void
tw_ui_set_icon_name (GtkImage   *image,
                     const char *icon_name)
{
  g_return_if_fail (GTK_IS_IMAGE (image));

  if (icon_name == NULL)
    {
      if (gtk_image_get_storage_type (image) != GTK_IMAGE_EMPTY)
        gtk_image_clear (image);
      return;
    }
  if (gtk_image_get_storage_type (image) == GTK_IMAGE_ICON_NAME &&
      g_strcmp0 (gtk_image_get_icon_name (image), icon_name) == 0)
    return;
  gtk_image_set_from_icon_name (image, icon_name);
}

void
tw_ui_set_tooltip_text (GtkWidget  *widget,
                        const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0)
    return;
  /* Not on screen (a row being built, or out of view), no pointer is on it: nothing to
   * ask the display, and GTK asks only for a visible widget. Hidden for the moment,
   * which an unmapped widget does not show; not the focus or the default, which hiding
   * would take from it. */
  if (gtk_widget_get_visible (widget) && !gtk_widget_get_mapped (widget) &&
      !gtk_widget_is_focus (widget) && !gtk_widget_has_default (widget))
    {
      gtk_widget_set_visible (widget, FALSE);
      gtk_widget_set_tooltip_text (widget, text);
      gtk_widget_set_visible (widget, TRUE);
      return;
    }
  gtk_widget_set_tooltip_text (widget, text);
}

AdwToast *
tw_ui_result_toast_new (const char *text,
                        gboolean    ok)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, ok ? 5 : 0);
  if (!ok)
    adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  return toast;
}

char *
tw_ui_format_latency (double latency_ms)
{
  if (latency_ms < 0)
    return NULL;
  if (latency_ms < 10)
    /* Translators: a network latency in milliseconds */
    return g_strdup_printf (_("%.1f ms"), latency_ms);
  /* Translators: a network latency in milliseconds */
  return g_strdup_printf (_("%.0f ms"), latency_ms);
}

/**
 * tw_ui_format_ago:
 * @seconds: how long ago; a negative age counts as now
 *
 * Returns: (transfer full): "3 s ago", "4 min ago", "5 h ago" (up to two days),
 *   "3 days ago", in the plural form the language needs.
 */
char *
tw_ui_format_ago (gint64 seconds)
{
  gint64 n;

  if (seconds < 60)
    {
      n = MAX (seconds, 0);
      /* Translators: how long ago, in seconds */
      return g_strdup_printf (ngettext ("%d s ago", "%d s ago", (gulong) n), (int) n);
    }
  if (seconds < 3600)
    {
      n = seconds / 60;
      /* Translators: how long ago, in minutes */
      return g_strdup_printf (ngettext ("%d min ago", "%d min ago", (gulong) n), (int) n);
    }
  if (seconds < 2 * 86400)
    {
      n = seconds / 3600;
      /* Translators: how long ago, in hours */
      return g_strdup_printf (ngettext ("%d h ago", "%d h ago", (gulong) n), (int) n);
    }
  n = seconds / 86400;
  /* Translators: how long ago, in days */
  return g_strdup_printf (ngettext ("%d day ago", "%d days ago", (gulong) n), (int) n);
}

char *
tw_ui_format_age (gint64   age_seconds,
                  gboolean stale)
{
  g_autofree char *ago = NULL;
  g_autofree char *updated = NULL;

  if (age_seconds < 0)
    return g_strdup (stale ? _("stale — never answered") : _("no answer yet"));

  ago = tw_ui_format_ago (age_seconds);
  /* Translators: how old the data is; %s is e.g. "4 min ago" */
  updated = g_strdup_printf (_("updated %s"), ago);
  if (stale)
    /* Translators: %s is e.g. "updated 4 min ago" */
    return g_strdup_printf (_("stale — %s"), updated);
  return g_steal_pointer (&updated);
}

static gboolean
is_today (GDateTime *local)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_get_year (now) == g_date_time_get_year (local)
         && g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (local);
}

char *
tw_ui_format_since (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *ago = NULL;

  g_return_val_if_fail (when != NULL, NULL);

  local = g_date_time_to_local (when);
  now = g_date_time_new_now_local ();
  /* Translators: a date and time before today, in g_date_time_format () form
   * (German: "%d.%m.%Y %H:%M") */
  /* xgettext:no-c-format */
  clock = g_date_time_format (local, is_today (local) ? "%H:%M" : _("%Y-%m-%d %H:%M"));
  ago = tw_ui_format_ago (g_date_time_difference (now, local) / G_TIME_SPAN_SECOND);
  /* Translators: e.g. "since 14:02, 3 min ago" */
  return g_strdup_printf (_("since %s, %s"), clock, ago);
}

char *
tw_ui_format_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (when != NULL, NULL);

  local = g_date_time_to_local (when);
  /* Translators: a date and time before today, to the second, in g_date_time_format ()
   * form (German: "%d.%m.%Y %H:%M:%S") */
  /* xgettext:no-c-format */
  return g_date_time_format (local, is_today (local) ? "%H:%M:%S" : _("%Y-%m-%d %H:%M:%S"));
}

GSettings *
tw_ui_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

/* Deferred updates: what a widget off screen (a page not shown, a row scrolled into a
 * collapsed group) would redo on every poll answer waits until it is mapped. */

typedef struct
{
  TwUiUpdateFunc func;
  gboolean       pending;
} Deferred;

static GQuark
deferred_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("tw-ui-deferred");
  return quark;
}

static void
deferred_map_cb (GtkWidget *widget,
                 Deferred  *deferred)
{
  if (!deferred->pending)
    return;
  deferred->pending = FALSE;
  deferred->func (widget);
}

void
tw_ui_update_when_mapped (GtkWidget      *widget,
                          TwUiUpdateFunc  func)
{
  Deferred *deferred;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (func != NULL);

  if (gtk_widget_get_mapped (widget))
    {
      func (widget);
      return;
    }
  deferred = g_object_get_qdata (G_OBJECT (widget), deferred_quark ());
  if (deferred == NULL)
    {
      deferred = g_new0 (Deferred, 1);
      deferred->func = func;
      g_object_set_qdata_full (G_OBJECT (widget), deferred_quark (), deferred, g_free);
      /* After the class handler: the widget and its children are mapped, not yet drawn. */
      g_signal_connect (widget, "map", G_CALLBACK (deferred_map_cb), deferred);
    }
  g_return_if_fail (deferred->func == func);
  deferred->pending = TRUE;
}

void
tw_ui_flush_update (GtkWidget *widget)
{
  Deferred *deferred;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  deferred = g_object_get_qdata (G_OBJECT (widget), deferred_quark ());
  if (deferred != NULL && deferred->pending)
    {
      deferred->pending = FALSE;
      deferred->func (widget);
    }
}

/* @label without its mnemonic underscores ("__" is a "_"). */
static char *
strip_mnemonic (const char *label)
{
  GString *out = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          if (p[1] != '_')
            continue;
          p++;
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* GTK 4.8 names a labelled button twice: its label property, mnemonic underscore and
 * all, as the accessible label, and the label's text again from its content — a screen
 * reader says "_Resume… Resume…". Without the property the name comes from the
 * content alone: "Resume…". Reset whenever such a button is mapped or relabelled.
 * libadwaita 1.2's toasts have an icon-only close button with no name at all. */
static void
fix_accessible_label (GtkWidget *widget)
{
  const char *label = NULL;
  GtkWidget *parent;

  /* A check button is not named by its content at all: its label, without the
   * mnemonic's underscore, is its name ("_All of it" is "All of it"). */
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_use_underline (GTK_CHECK_BUTTON (widget)) &&
      gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) != NULL)
    {
      g_autofree char *name = strip_mnemonic (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)));

      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      return;
    }
  /* Only a mnemonic label is said twice; a plain one is the button's only name. */
  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)))
    label = gtk_button_get_label (GTK_BUTTON (widget));
  if (label != NULL)
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
      return;
    }
  /* A search entry with no name of its own is named by its placeholder ("Search flags"). */
  if (GTK_IS_SEARCH_ENTRY (widget))
    {
      g_autofree char *placeholder = NULL;

      g_object_get (widget, "placeholder-text", &placeholder, NULL);
      if (placeholder != NULL && *placeholder != '\0' &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
          !gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        placeholder, -1);
      return;
    }
  /* An expander row's enable switch (libadwaita 1.2 names it not): the row's title. */
  if (GTK_IS_SWITCH (widget))
    {
      GtkWidget *expander = gtk_widget_get_ancestor (widget, ADW_TYPE_EXPANDER_ROW);

      if (expander != NULL &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        adw_preferences_row_get_title (ADW_PREFERENCES_ROW (expander)),
                                        -1);
      return;
    }
  /* An expander row's own row is what the focus lands on: it takes the row's title. */
  if (ADW_IS_EXPANDER_ROW (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

      if (title != NULL && *title != '\0')
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        title, -1);
      return;
    }
  parent = gtk_widget_get_parent (widget);
  if (!GTK_IS_BUTTON (widget) || parent == NULL)
    return;
  /* A drop-down's button is what takes the focus: named by the drop-down's label. */
  if (GTK_IS_DROP_DOWN (parent) &&
      !gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    {
      gtk_accessible_update_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      parent, NULL, -1);
      return;
    }
  if (g_str_equal (G_OBJECT_TYPE_NAME (parent), "AdwToastWidget") &&
      g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), "window-close-symbolic") == 0)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Dismiss"), -1);
  /* libadwaita 1.2's About window: the version is a button (it copies the version)
   * whose text is a label inside it, which names nothing. */
  else if (gtk_widget_has_css_class (widget, "app-version") &&
           gtk_widget_get_ancestor (widget, ADW_TYPE_ABOUT_WINDOW) != NULL &&
           GTK_IS_LABEL (gtk_button_get_child (GTK_BUTTON (widget))))
    {
      const char *action = gtk_actionable_get_action_name (GTK_ACTIONABLE (widget));
      const char *version = gtk_label_get_text (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (widget))));
      g_autofree char *name = g_strdup_printf (action != NULL && strstr (action, "copy") != NULL
                                                ? _("Copy Version %s") : _("Version %s"), version);

      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
  /* libadwaita 1.2's password entry row: its peek button, icon only, says which
   * way it goes (its icon changes with it). */
  else if (gtk_widget_get_ancestor (widget, ADW_TYPE_PASSWORD_ENTRY_ROW) != NULL &&
           g_str_has_prefix (gtk_button_get_icon_name (GTK_BUTTON (widget)) ?: "", "view-"))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    g_str_equal (gtk_button_get_icon_name (GTK_BUTTON (widget)),
                                                 "view-conceal-symbolic")
                                    ? _("Hide Text") : _("Show Text"), -1);
  /* GtkShortcutsWindow's search toggle, icon only. */
  else if (gtk_widget_get_ancestor (widget, GTK_TYPE_SHORTCUTS_WINDOW) != NULL &&
           g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), "edit-find-symbolic") == 0)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Search Shortcuts"), -1);
}

static gboolean
fix_later_cb (gpointer data)
{
  fix_accessible_label (data);
  return G_SOURCE_REMOVE;
}

static void
relabelled_cb (GtkWidget *widget)
{
  /* notify::label comes before the button sets its accessible label again. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, fix_later_cb, g_object_ref (widget), g_object_unref);
}

/* GTK 4.8 gives a check button no AT-SPI action: a screen reader's user (or a test
 * driving AT-SPI alone) cannot tick it. AT-SPI lists a widget's own actions, so each
 * check button gets one, "check.toggle", which does what Space does. */
static void
check_toggle_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  gtk_widget_activate (GTK_WIDGET (user_data));
}

static void
add_toggle_action (GtkWidget *check)
{
  static GQuark added;
  g_autoptr(GSimpleActionGroup) group = NULL;
  g_autoptr(GSimpleAction) action = NULL;

  if (G_UNLIKELY (added == 0))
    added = g_quark_from_static_string ("tw-toggle-action");
  if (g_object_get_qdata (G_OBJECT (check), added) != NULL)
    return;
  g_object_set_qdata (G_OBJECT (check), added, GINT_TO_POINTER (TRUE));
  group = g_simple_action_group_new ();
  action = g_simple_action_new ("toggle", NULL);
  /* The button owns the group: no reference back to it. */
  g_signal_connect_object (action, "activate", G_CALLBACK (check_toggle_cb), check, 0);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (check, "check", G_ACTION_GROUP (group));
}

/* libadwaita 1.2's combo row shows its current value in a list item of its own,
 * which has no name: it is named by the text it shows ("Paper"), again whenever the
 * row's selection changes. */
static gboolean
is_combo_row_value (GtkWidget *widget)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkListItemWidget") &&
         gtk_widget_get_ancestor (widget, ADW_TYPE_COMBO_ROW) != NULL &&
         gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER) == NULL;
}

static GtkWidget *
first_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = first_label (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
name_combo_value_cb (gpointer data)
{
  GtkWidget *widget = data;
  GtkWidget *label = first_label (widget);

  if (label != NULL && *gtk_label_get_text (GTK_LABEL (label)) != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    gtk_label_get_text (GTK_LABEL (label)), -1);
  return G_SOURCE_REMOVE;
}

static void
combo_selected_cb (GtkWidget *widget)
{
  /* After the row has shown the new value. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, name_combo_value_cb, g_object_ref (widget), g_object_unref);
}

static gboolean
map_hook (GSignalInvocationHint *hint,
          guint                  n_values,
          const GValue          *values,
          gpointer               user_data)
{
  GObject *object = g_value_get_object (&values[0]);
  static GQuark watched;

  if (GTK_IS_WIDGET (object) && is_combo_row_value (GTK_WIDGET (object)))
    {
      if (g_object_get_data (object, "tw-combo-value-named") == NULL)
        {
          g_object_set_data (object, "tw-combo-value-named", GINT_TO_POINTER (TRUE));
          g_signal_connect_object (gtk_widget_get_ancestor (GTK_WIDGET (object), ADW_TYPE_COMBO_ROW),
                                   "notify::selected-item", G_CALLBACK (combo_selected_cb), object,
                                   G_CONNECT_SWAPPED);
        }
      name_combo_value_cb (object);
      return TRUE;
    }
  if (!GTK_IS_BUTTON (object) && !GTK_IS_CHECK_BUTTON (object) && !ADW_IS_EXPANDER_ROW (object) &&
      !GTK_IS_SEARCH_ENTRY (object) && !GTK_IS_SWITCH (object))
    return TRUE;
  fix_accessible_label (GTK_WIDGET (object));
  if (GTK_IS_CHECK_BUTTON (object))
    add_toggle_action (GTK_WIDGET (object));
  /* GObject's notify takes no emission hook: watch each button once it is shown. */
  if (G_UNLIKELY (watched == 0))
    watched = g_quark_from_static_string ("tw-accessible-label-watched");
  if (g_object_get_qdata (object, watched) == NULL)
    {
      g_object_set_qdata (object, watched, GINT_TO_POINTER (TRUE));
      g_signal_connect (object, ADW_IS_EXPANDER_ROW (object) ? "notify::title"
                                : GTK_IS_SEARCH_ENTRY (object) ? "notify::placeholder-text"
                                : "notify::label",
                        G_CALLBACK (relabelled_cb), NULL);
      if (GTK_IS_BUTTON (object) &&
          gtk_widget_get_ancestor (GTK_WIDGET (object), ADW_TYPE_PASSWORD_ENTRY_ROW) != NULL)
        g_signal_connect (object, "notify::icon-name", G_CALLBACK (relabelled_cb), NULL);
    }
  return TRUE;
}

void
tw_ui_fix_accessible_labels (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      /* The signal exists once the class is: keep it, it lives as long as GTK. */
      g_type_class_ref (GTK_TYPE_WIDGET);
      g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0, map_hook, NULL, NULL);
      g_once_init_leave (&done, 1);
    }
}

/* Draws @layout once into a small image surface through the renderer's own text
 * drawing (a text node drawn with cairo, as GTK's cairo renderer does): its font is
 * loaded, its glyphs shaped, hinted and put in the caches the window's text nodes use
 * then. For warming what a first frame would otherwise draw for the first time. */
void
tw_ui_warm_layout (PangoLayout *layout)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  int w, h;

  g_return_if_fail (PANGO_IS_LAYOUT (layout));

  pango_layout_get_pixel_size (layout, &w, &h);
  pango_layout_get_baseline (layout);
  gtk_snapshot_append_layout (snapshot, layout, &(GdkRGBA) { 0, 0, 0, 1 });
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL || w <= 0 || h <= 0)
    return;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}
