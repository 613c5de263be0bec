/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-preferences-window.h"
#include "tw-preferences-window-private.h"

#include <glib/gi18n.h>

struct _TwPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  GtkSpinButton        *poll_interval_spin;
  GtkSpinButton        *rate_limit_spin;
  GtkSpinButton        *unreachable_spin;
  GtkSwitch            *background_switch;
  GtkSpinButton        *stuck_minutes_spin;
};

G_DEFINE_FINAL_TYPE (TwPreferencesWindow, tw_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Each key and the property of its editor that holds the value. */
static const struct
{
  const char *key;
  gsize       offset;
  const char *property;
} bindings[] = {
  { "poll-interval", G_STRUCT_OFFSET (TwPreferencesWindow, poll_interval_spin), "value" },
  { "notification-rate-limit", G_STRUCT_OFFSET (TwPreferencesWindow, rate_limit_spin), "value" },
  { "unreachable-alert-after", G_STRUCT_OFFSET (TwPreferencesWindow, unreachable_spin), "value" },
  { "run-in-background", G_STRUCT_OFFSET (TwPreferencesWindow, background_switch), "active" },
  { "stuck-order-minutes", G_STRUCT_OFFSET (TwPreferencesWindow, stuck_minutes_spin), "value" },
};

static GtkWidget *
editor_at (TwPreferencesWindow *self,
           guint                i)
{
  return G_STRUCT_MEMBER (GtkWidget *, self, bindings[i].offset);
}

static void
tw_preferences_window_constructed (GObject *object)
{
  TwPreferencesWindow *self = TW_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (tw_preferences_window_parent_class)->constructed (object);

  g_return_if_fail (G_IS_SETTINGS (self->settings));

  /* A spin button's value is a double: GSettings maps it to the key's uint, within the
   * schema's range (the adjustments in the template hold the same bounds). */
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    g_settings_bind (self->settings, bindings[i].key, editor_at (self, i), bindings[i].property,
                     G_SETTINGS_BIND_DEFAULT);
}

static void
tw_preferences_window_dispose (GObject *object)
{
  TwPreferencesWindow *self = TW_PREFERENCES_WINDOW (object);

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    if (editor_at (self, i) != NULL)
      g_settings_unbind (editor_at (self, i), bindings[i].property);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tw_preferences_window_parent_class)->dispose (object);
}

static void
tw_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TwPreferencesWindow *self = TW_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  TwPreferencesWindow *self = TW_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_preferences_window_class_init (TwPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tw_preferences_window_constructed;
  object_class->dispose = tw_preferences_window_dispose;
  object_class->get_property = tw_preferences_window_get_property;
  object_class->set_property = tw_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS
                         | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TwPreferencesWindow, poll_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, TwPreferencesWindow, rate_limit_spin);
  gtk_widget_class_bind_template_child (widget_class, TwPreferencesWindow, unreachable_spin);
  gtk_widget_class_bind_template_child (widget_class, TwPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, TwPreferencesWindow, stuck_minutes_spin);
}

static void
tw_preferences_window_init (TwPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tw_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (TW_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "settings", settings,
                       NULL);
}

GtkWidget *
tw_preferences_window_get_editor (TwPreferencesWindow *self,
                                  const char          *key)
{
  g_return_val_if_fail (TW_IS_PREFERENCES_WINDOW (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    if (g_str_equal (bindings[i].key, key))
      return editor_at (self, i);
  return NULL;
}
