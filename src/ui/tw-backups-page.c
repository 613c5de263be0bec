/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-backups-page.h"
#include "tw-backups-page-private.h"

#include <glib/gi18n.h>

#include "tw-backup-ui-util.h"
#include "tw-restore-wizard.h"
#include "tw-ui-util.h"
#include "tw-window.h"

#define SETTINGS_DELAY_MS 600

static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwBackupsPage, tw_backups_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))

enum {
  PROP_0,
  PROP_SAVE_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
section_free (gpointer data)
{
  Section *section = data;

  g_clear_handle_id (&section->settings_timer, g_source_remove);
  g_free (section->id);
  g_free (section->path);
  g_free (section->backup_dir);
  g_free (section->newest_text);
  g_clear_pointer (&section->rows, g_ptr_array_unref);
  g_clear_pointer (&section->backups, g_ptr_array_unref);
  g_free (section);
}

Section *
_tw_backups_page_lookup (TwBackupsPage *self,
                const char    *id)
{
  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);

      if (g_strcmp0 (section->id, id) == 0)
        return section;
    }
  return NULL;
}

/* The section whose backup is @path. */
Section *
_tw_backups_page_section_of (TwBackupsPage *self,
                   const char    *path,
                   TwBackup     **backup)
{
  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);

      for (guint j = 0; j < section->backups->len; j++)
        if (g_strcmp0 (tw_backup_get_path (g_ptr_array_index (section->backups, j)), path) == 0)
          {
            if (backup != NULL)
              *backup = g_ptr_array_index (section->backups, j);
            return section;
          }
    }
  return NULL;
}

void
_tw_backups_page_message (TwBackupsPage *self,
              const char    *message)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), TW_TYPE_WINDOW);

  g_free (self->last_message);
  self->last_message = g_strdup (message);
  if (window != NULL)
    {
      AdwToast *toast = adw_toast_new (message);

      adw_toast_set_timeout (toast, 6);
      tw_window_add_toast (TW_WINDOW (window), toast);
    }
}

static void
busy_push (TwBackupsPage *self)
{
  self->n_busy++;
}

static void
busy_pop (TwBackupsPage *self)
{
  g_return_if_fail (self->n_busy > 0);
  self->n_busy--;
}

/* The newest backup and its age; warning style when none or older than 24 h. */
static void
update_newest (Section *section)
{
  TwBackup *newest = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  const char *style;

  for (guint i = 0; i < section->backups->len && newest == NULL; i++)
    {
      TwBackup *backup = g_ptr_array_index (section->backups, i);

      if (!tw_backup_get_pre_restore (backup))
        newest = backup;
    }

  g_free (section->newest_text);
  if (newest == NULL)
    {
      section->newest_text = g_strdup (_("No backup yet — back it up now"));
      section->newest_warning = TRUE;
    }
  else
    {
      gint64 age = g_date_time_difference (now, tw_backup_get_created (newest)) / G_USEC_PER_SEC;
      g_autofree char *age_text = tw_backup_ui_format_age (age);

      section->newest_warning = age > TW_BACKUP_STALE_AFTER_S;
      if (section->newest_warning)
        /* Translators: a backup file name and its age, e.g. "3 days ago" */
        section->newest_text = g_strdup_printf (_("%s — %s, older than 24 hours"),
                                                tw_backup_get_name (newest), age_text);
      else
        section->newest_text = g_strdup_printf (_("%s — %s"), tw_backup_get_name (newest), age_text);
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (section->newest_row), section->newest_text);
  style = section->newest_warning ? "warning" : "success";
  gtk_image_set_from_icon_name (GTK_IMAGE (section->newest_icon),
                                section->newest_warning ? "dialog-warning-symbolic" : "emblem-ok-symbolic");
  tw_ui_set_status_style (section->newest_icon, style);
  tw_ui_set_status_style (section->newest_row, section->newest_warning ? "warning" : NULL);
}

static void
update_summary (TwBackupsPage *self)
{
  guint n_warning = 0;

  for (guint i = 0; i < self->sections->len; i++)
    n_warning += ((Section *) g_ptr_array_index (self->sections, i))->newest_warning;

  if (n_warning == 0)
    gtk_label_set_label (self->summary_label,
                         ngettext ("The database has a recent backup",
                                   "Every database has a recent backup", self->sections->len));
  else
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("%u database needs a backup", "%u databases need a backup",
                                   n_warning), n_warning);

      gtk_label_set_label (self->summary_label, text);
    }
  tw_ui_set_status_style (GTK_WIDGET (self->summary_label), n_warning > 0 ? "warning" : NULL);
}

void
_tw_backups_page_update_backup_button (Section *section)
{
  gboolean busy = section->creating
    || (section->page->scheduler != NULL
        && tw_backup_scheduler_is_busy (section->page->scheduler, section->id));

  gtk_widget_set_sensitive (section->backup_button, !busy);
  gtk_button_set_label (GTK_BUTTON (section->backup_button),
                        busy ? _("Backing Up…") : _("_Back Up Now"));
  gtk_widget_set_visible (section->progress, busy);
}

/* Narrow (under 600 px), a backup's row is one line of name and one of details: the
 * validity word joins the subtitle (its icon stays in front), and Verify, Restore… and
 * Delete… go into the row's menu button. Wide, they are the row's buttons. */
static void
row_set_narrow (GtkWidget *row,
                gboolean   narrow)
{
  GtkWidget *badge = g_object_get_data (G_OBJECT (row), "tw-badge");
  GtkWidget *buttons = g_object_get_data (G_OBJECT (row), "tw-buttons");
  GtkWidget *menu = g_object_get_data (G_OBJECT (row), "tw-menu");

  if (badge == NULL)
    return;
  gtk_widget_set_visible (gtk_widget_get_last_child (badge), !narrow);
  gtk_widget_set_visible (buttons, !narrow);
  gtk_widget_set_visible (menu, narrow);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               g_object_get_data (G_OBJECT (row),
                                                  narrow ? "tw-subtitle-narrow" : "tw-subtitle-wide"));
}

static GtkWidget *
make_menu_button (const char *accessible_label)
{
  GtkWidget *button = gtk_menu_button_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_tooltip_text (button, accessible_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
make_backup_row (Section  *section,
                 TwBackup *backup)
{
  const char *path = tw_backup_get_path (backup);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *badge = tw_backup_ui_badge_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;
  g_autofree char *subtitle = tw_backup_ui_describe (backup);
  g_autofree char *wide = NULL;
  g_autofree char *actions_label = NULL;
  gboolean corrupt = tw_backup_get_valid (backup) == TW_BACKUP_VALIDITY_INVALID;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tw_backup_get_name (backup));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (tw_backup_get_pre_restore (backup))
    wide = g_strdup_printf (_("Pre-restore backup · %s"), subtitle);
  else
    wide = g_strdup (subtitle);
  /* Translators: narrow window: a backup's validity ("Valid", "Corrupt", "Not checked")
   * and the rest of its subtitle */
  g_object_set_data_full (G_OBJECT (row), "tw-subtitle-narrow",
                          g_strdup_printf (_("%s · %s"),
                                           tw_backup_ui_validity_label (tw_backup_get_valid (backup)),
                                           wide),
                          g_free);
  g_object_set_data_full (G_OBJECT (row), "tw-subtitle-wide", g_steal_pointer (&wide), g_free);

  tw_backup_ui_badge_set (badge, tw_backup_get_valid (backup));
  if (tw_backup_get_problem (backup) != NULL)
    gtk_widget_set_tooltip_text (badge, tw_backup_get_problem (backup));
  g_object_set_data_full (G_OBJECT (row), "tw-path", g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (row), "tw-badge", badge);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), badge);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  button = gtk_button_new_with_mnemonic (_("_Verify"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "backups.verify");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", path);
  gtk_widget_add_css_class (button, "flat");
  gtk_box_append (GTK_BOX (box), button);

  button = gtk_button_new_with_mnemonic (_("_Restore…"));
  /* A corrupt backup is never offered for a restore (an actionable button would follow
   * the action's enabled state, so it gets no action). */
  if (corrupt)
    {
      gtk_widget_set_sensitive (button, FALSE);
      gtk_widget_set_tooltip_text (button, _("This backup is corrupt and cannot be restored"));
    }
  else
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "backups.restore");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", path);
    }
  gtk_box_append (GTK_BOX (box), button);

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_tooltip_text (button, _("Delete…"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Delete…"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "backups.delete");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", path);
  gtk_widget_add_css_class (button, "flat");
  gtk_box_append (GTK_BOX (box), button);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "tw-buttons", box);

  /* The same three in the narrow layout's menu; a corrupt backup's Restore… is an item
   * without an action, shown insensitive. */
  item = g_menu_item_new (_("_Verify"), NULL);
  g_menu_item_set_action_and_target (item, "backups.verify", "s", path);
  g_menu_append_item (menu, item);
  g_clear_object (&item);
  item = g_menu_item_new (_("_Restore…"), NULL);
  if (!corrupt)
    g_menu_item_set_action_and_target (item, "backups.restore", "s", path);
  g_menu_append_item (menu, item);
  g_clear_object (&item);
  item = g_menu_item_new (_("_Delete…"), NULL);
  g_menu_item_set_action_and_target (item, "backups.delete", "s", path);
  g_menu_append_item (menu, item);
  /* Translators: the accessible name of a backup's menu button; %s is its file name */
  actions_label = g_strdup_printf (_("Actions of %s"), tw_backup_get_name (backup));
  button = make_menu_button (actions_label);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data (G_OBJECT (row), "tw-menu", button);

  row_set_narrow (row, section->page->narrow.narrow);
  return row;
}

/* Replaces the shown list by @list, keeping what this session verified. */
static void
show_backups (Section    *section,
              GListModel *list)
{
  TwBackupsPage *self = section->page;
  guint n = list != NULL ? g_list_model_get_n_items (list) : 0;

  for (guint i = 0; i < section->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (section->list_group),
                                  g_ptr_array_index (section->rows, i));
  g_ptr_array_set_size (section->rows, 0);
  g_ptr_array_set_size (section->backups, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBackup) listed = g_list_model_get_item (list, i);
      TwBackup *known = g_hash_table_lookup (self->verified, tw_backup_get_path (listed));
      TwBackup *backup = listed;
      GtkWidget *row;

      if (known != NULL && tw_backup_get_size (known) == tw_backup_get_size (listed))
        backup = known;
      g_ptr_array_add (section->backups, g_object_ref (backup));
      row = make_backup_row (section, backup);
      g_ptr_array_add (section->rows, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (section->list_group), row);
    }

  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No backups in this folder yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), section->backup_dir);
      gtk_widget_add_css_class (row, "dim-label");
      g_ptr_array_add (section->rows, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (section->list_group), row);
    }

  {
    g_autofree char *title = g_strdup_printf (ngettext ("%u backup", "%u backups", n), n);

    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (section->list_group), title);
  }
  update_newest (section);
  update_summary (self);
}

Op *
_tw_backups_page_op_new (TwBackupsPage *self,
        const char    *id,
        const char    *path)
{
  Op *op = g_new0 (Op, 1);

  op->page = g_object_ref (self);
  op->id = g_strdup (id);
  op->path = g_strdup (path);
  busy_push (self);
  return op;
}

void
_tw_backups_page_op_free (Op *op)
{
  busy_pop (op->page);
  g_object_unref (op->page);
  g_free (op->id);
  g_free (op->path);
  g_free (op);
}

static void
list_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = tw_backup_manager_list_finish (TW_BACKUP_MANAGER (object), result, &error);
  Section *section;

  if (list == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  section = _tw_backups_page_lookup (op->page, op->id);
  if (section == NULL)
    return;
  if (list == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not list the backups of %s: %s"),
                                                  op->id, error->message);
      _tw_backups_page_message (op->page, message);
    }
  show_backups (section, list);
}

void
_tw_backups_page_list (TwBackupsPage *self,
              Section       *section)
{
  tw_backup_manager_list_async (self->manager, section->path, section->backup_dir,
                                self->cancellable, list_done_cb, _tw_backups_page_op_new (self, section->id, NULL));
}

void
tw_backups_page_refresh (TwBackupsPage *self)
{
  g_return_if_fail (TW_IS_BACKUPS_PAGE (self));

  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    _tw_backups_page_list (self, g_ptr_array_index (self->sections, i));
}

/* Settings: applied to the profile (saved when it is a saved profile) after a pause. */
static gboolean
apply_settings_cb (gpointer user_data)
{
  Section *section = user_data;
  TwBackupsPage *self = section->page;
  TwProfile *profile = tw_workspace_get_profile (self->workspace);
  g_autoptr(GError) error = NULL;

  section->settings_timer = 0;
  section->schedule_hours = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (section->schedule_spin));
  section->retention_days = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (section->retention_spin));
  tw_profile_add_database (profile, section->id, section->path, section->backup_dir,
                           section->retention_days, section->schedule_hours);

  if (self->save_profile && !tw_profile_save (profile, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The backup settings could not be saved: %s"),
                                                  error->message);
      _tw_backups_page_message (self, message);
    }
  else
    {
      g_autofree char *schedule = NULL;
      g_autofree char *keep = NULL;
      g_autofree char *message = NULL;

      if (section->schedule_hours == 0)
        schedule = g_strdup (_("no scheduled backups"));
      else
        schedule = g_strdup_printf (ngettext ("a backup every %u hour", "a backup every %u hours",
                                              section->schedule_hours), section->schedule_hours);
      if (section->retention_days == 0)
        keep = g_strdup (_("keeping every backup"));
      else
        keep = g_strdup_printf (ngettext ("keeping %u day", "keeping %u days", section->retention_days),
                                section->retention_days);
      /* Translators: database id, schedule, retention: "investiq: a backup every 2 hours; keeping 7 days" */
      message = g_strdup_printf (_("%s: %s; %s"), section->id, schedule, keep);
      _tw_backups_page_message (self, message);
    }

  /* The scheduler reads the profile again. */
  if (self->scheduler != NULL && tw_backup_scheduler_is_running (self->scheduler))
    tw_backup_scheduler_start (self->scheduler);
  return G_SOURCE_REMOVE;
}

static void
settings_changed_cb (GtkSpinButton *spin,
                     Section       *section)
{
  g_clear_handle_id (&section->settings_timer, g_source_remove);
  section->settings_timer = g_timeout_add (SETTINGS_DELAY_MS, apply_settings_cb, section);
}

static GtkWidget *
make_spin (guint value,
           guint max)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, max, 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  return spin;
}

static void
section_set_narrow (Section  *section,
                    gboolean  narrow)
{
  gtk_widget_set_visible (section->restore_button, !narrow);
  gtk_widget_set_visible (section->header_menu, narrow);
  for (guint i = 0; i < section->rows->len; i++)
    row_set_narrow (g_ptr_array_index (section->rows, i), narrow);
}

static void
set_narrow (GtkWidget *widget,
            gboolean   narrow)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (widget);

  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    section_set_narrow (g_ptr_array_index (self->sections, i), narrow);
}

gboolean
tw_backups_page_get_narrow (TwBackupsPage *self)
{
  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), FALSE);

  return self->narrow.narrow;
}

GtkWidget *
tw_backups_page_get_backup_row (TwBackupsPage *self,
                                const char    *path)
{
  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), NULL);

  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);

      for (guint j = 0; j < section->rows->len; j++)
        {
          GtkWidget *row = g_ptr_array_index (section->rows, j);

          if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "tw-path"), path) == 0)
            return row;
        }
    }
  return NULL;
}

static Section *
add_section (TwBackupsPage    *self,
             TwDatabaseConfig *config)
{
  Section *section = g_new0 (Section, 1);
  g_autofree char *dir = NULL;
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *button;
  g_autofree char *list_description = NULL;

  section->page = self;
  section->id = g_strdup (config->id);
  section->path = g_strdup (config->path);
  section->backup_dir = config->backup_dir != NULL && *config->backup_dir != '\0'
    ? g_strdup (config->backup_dir) : tw_backup_manager_default_dir (config->path);
  section->schedule_hours = config->schedule_hours;
  section->retention_days = config->retention_days;
  section->rows = g_ptr_array_new ();
  section->backups = g_ptr_array_new_with_free_func (g_object_unref);

  section->group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (section->group), section->id);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (section->group), section->path);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  button = gtk_button_new_with_mnemonic (_("Restore…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "backups.restore-database");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", section->id);
  gtk_box_append (GTK_BOX (box), button);
  section->restore_button = button;
  {
    g_autoptr(GMenu) menu = g_menu_new ();
    g_autoptr(GMenuItem) item = g_menu_item_new (_("Restore…"), NULL);
    /* Translators: the accessible name of a database's menu button; %s is its id */
    g_autofree char *label = g_strdup_printf (_("More actions for %s"), section->id);

    g_menu_item_set_action_and_target (item, "backups.restore-database", "s", section->id);
    g_menu_append_item (menu, item);
    section->header_menu = make_menu_button (label);
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (section->header_menu), G_MENU_MODEL (menu));
  }
  section->backup_button = gtk_button_new_with_mnemonic (_("_Back Up Now"));
  gtk_widget_add_css_class (section->backup_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (section->backup_button), "backups.backup-now");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (section->backup_button), "s", section->id);
  gtk_box_append (GTK_BOX (box), section->backup_button);
  gtk_box_append (GTK_BOX (box), section->header_menu);
  gtk_widget_set_valign (box, GTK_ALIGN_END);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (section->group), box);

  section->newest_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (section->newest_row), _("Newest backup"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (section->newest_row), FALSE);
  section->newest_icon = gtk_image_new_from_icon_name ("content-loading-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (section->newest_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (section->newest_row), section->newest_icon);
  section->progress = gtk_progress_bar_new ();
  gtk_widget_set_valign (section->progress, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (section->progress, 120, -1);
  gtk_widget_set_visible (section->progress, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (section->newest_row), section->progress);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (section->group), section->newest_row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Back up every … hours"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("While Trade Warden runs; 0 turns the schedule off"));
  section->schedule_spin = make_spin (section->schedule_hours, 168);
  gtk_accessible_update_property (GTK_ACCESSIBLE (section->schedule_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Hours between backups"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), section->schedule_spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (section->group), row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Keep backups for … days"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The newest valid backup is always kept; 0 keeps all"));
  section->retention_spin = make_spin (section->retention_days, 3650);
  gtk_accessible_update_property (GTK_ACCESSIBLE (section->retention_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Days to keep backups"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), section->retention_spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (section->group), row);

  g_signal_connect (section->schedule_spin, "value-changed", G_CALLBACK (settings_changed_cb), section);
  g_signal_connect (section->retention_spin, "value-changed", G_CALLBACK (settings_changed_cb), section);

  section->list_group = adw_preferences_group_new ();
  /* Translators: %s is a folder */
  list_description = g_strdup_printf (_("In %s, newest first"), section->backup_dir);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (section->list_group), list_description);

  gtk_box_append (self->databases_box, section->group);
  gtk_box_append (self->databases_box, section->list_group);
  g_ptr_array_add (self->sections, section);
  _tw_backups_page_update_backup_button (section);
  section_set_narrow (section, self->narrow.narrow);
  return section;
}

static void
rebuild (TwBackupsPage *self)
{
  GPtrArray *databases;

  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);

      gtk_box_remove (self->databases_box, section->group);
      gtk_box_remove (self->databases_box, section->list_group);
    }
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  self->sections = g_ptr_array_new_with_free_func (section_free);

  databases = self->workspace != NULL && self->manager != NULL
    ? tw_profile_get_databases (tw_workspace_get_profile (self->workspace)) : NULL;
  for (guint i = 0; databases != NULL && i < databases->len; i++)
    {
      Section *section = add_section (self, g_ptr_array_index (databases, i));

      show_backups (section, NULL);
      _tw_backups_page_list (self, section);
    }
  gtk_stack_set_visible_child_name (self->stack, self->sections->len > 0 ? "databases" : "empty");
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  tw_backups_page_refresh (TW_BACKUPS_PAGE (widget));
}

static gboolean
age_timer_cb (gpointer user_data)
{
  TwBackupsPage *self = user_data;

  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    update_newest (g_ptr_array_index (self->sections, i));
  if (self->sections != NULL)
    update_summary (self);
  return G_SOURCE_CONTINUE;
}

static void
scheduler_finished_cb (TwBackupScheduler *scheduler,
                       const char        *db_id,
                       TwBackup          *backup,
                       TwBackupsPage     *self)
{
  Section *section = _tw_backups_page_lookup (self, db_id);

  if (backup != NULL)
    g_hash_table_replace (self->verified, g_strdup (tw_backup_get_path (backup)), g_object_ref (backup));
  if (section != NULL)
    {
      _tw_backups_page_update_backup_button (section);
      _tw_backups_page_list (self, section);
    }
}

/* Public API */

void
tw_backups_page_set_context (TwBackupsPage     *self,
                             TwBackupManager   *manager,
                             TwWorkspace       *workspace,
                             TwActionRunner    *runner,
                             TwRiskMonitor     *monitor,
                             TwBackupScheduler *scheduler)
{
  g_return_if_fail (TW_IS_BACKUPS_PAGE (self));
  g_return_if_fail (manager == NULL || TW_IS_BACKUP_MANAGER (manager));
  g_return_if_fail (workspace == NULL || TW_IS_WORKSPACE (workspace));

  /* What was under way belongs to the previous profile. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->verified);

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_set_object (&self->manager, manager);
  g_set_object (&self->workspace, workspace);
  g_set_object (&self->runner, runner);
  g_set_object (&self->monitor, monitor);
  g_set_object (&self->scheduler, scheduler);
  if (manager != NULL)
    g_signal_connect_object (manager, "progress", G_CALLBACK (_tw_backups_page_progress_cb), self, 0);
  if (scheduler != NULL)
    g_signal_connect_object (scheduler, "backup-finished", G_CALLBACK (scheduler_finished_cb), self, 0);
  rebuild (self);
}

void
tw_backups_page_set_save_profile (TwBackupsPage *self,
                                  gboolean       save)
{
  g_return_if_fail (TW_IS_BACKUPS_PAGE (self));

  save = !!save;
  if (self->save_profile == save)
    return;
  self->save_profile = save;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVE_PROFILE]);
}

void
tw_backups_page_set_schedule (TwBackupsPage *self,
                              const char    *db_id,
                              guint          schedule_hours,
                              guint          retention_days)
{
  Section *section;

  g_return_if_fail (TW_IS_BACKUPS_PAGE (self));

  section = _tw_backups_page_lookup (self, db_id);
  g_return_if_fail (section != NULL);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (section->schedule_spin), schedule_hours);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (section->retention_spin), retention_days);
}

/* GObject */

static void
tw_backups_page_dispose (GObject *object)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (object);

  tw_narrow_clear (&self->narrow);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->age_timer, g_source_remove);
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_weak_pointer (&self->open_dialog);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  /* The stack is both AdwBin's child and a template child: the template unparents it
   * and drops it, and AdwBin's own dispose would then unparent the freed widget
   * ("gtk_widget_unparent: assertion 'GTK_IS_WIDGET (widget)' failed"). */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_BACKUPS_PAGE);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->runner);
  g_clear_object (&self->monitor);
  g_clear_object (&self->workspace);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->verified, g_hash_table_unref);

  G_OBJECT_CLASS (tw_backups_page_parent_class)->dispose (object);
}

static void
tw_backups_page_finalize (GObject *object)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->last_message);

  G_OBJECT_CLASS (tw_backups_page_parent_class)->finalize (object);
}

static void
tw_backups_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SAVE_PROFILE:
      g_value_set_boolean (value, self->save_profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_backups_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SAVE_PROFILE:
      tw_backups_page_set_save_profile (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_backups_page_class_init (TwBackupsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_backups_page_dispose;
  object_class->finalize = tw_backups_page_finalize;
  object_class->get_property = tw_backups_page_get_property;
  object_class->set_property = tw_backups_page_set_property;

  properties[PROP_SAVE_PROFILE] =
    g_param_spec_boolean ("save-profile", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-backups-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwBackupsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TwBackupsPage, databases_box);
  gtk_widget_class_bind_template_child (widget_class, TwBackupsPage, summary_label);

  gtk_widget_class_install_action (widget_class, "backups.backup-now", "s", _tw_backups_page_backup_now_action);
  gtk_widget_class_install_action (widget_class, "backups.verify", "s", _tw_backups_page_verify_action);
  gtk_widget_class_install_action (widget_class, "backups.delete", "s", _tw_backups_page_delete_action);
  gtk_widget_class_install_action (widget_class, "backups.restore", "s", _tw_backups_page_restore_action);
  gtk_widget_class_install_action (widget_class, "backups.restore-database", "s", _tw_backups_page_restore_database_action);
  gtk_widget_class_install_action (widget_class, "backups.refresh", NULL, refresh_action);
}

static void
tw_backups_page_init (TwBackupsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tw_narrow_init (&self->narrow, GTK_WIDGET (self), 600, set_narrow);
  self->cancellable = g_cancellable_new ();
  self->sections = g_ptr_array_new_with_free_func (section_free);
  self->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->age_timer = g_timeout_add_seconds (30, age_timer_cb, self);
  rebuild (self);
}

GtkWidget *
tw_backups_page_new (void)
{
  return g_object_new (TW_TYPE_BACKUPS_PAGE, NULL);
}

/* TwSessionPage: what the page shows of the window's session */

static void
session_page_set_session (TwSessionPage *page,
                          TwSession     *session)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (page);

  tw_backups_page_set_save_profile (self, session != NULL && tw_session_is_saved (session));
  if (session == NULL)
    tw_backups_page_set_context (self, NULL, NULL, NULL, NULL, NULL);
  else
    tw_backups_page_set_context (self, tw_session_get_backup_manager (session),
                                 tw_session_get_workspace (session),
                                 tw_session_get_action_runner (session),
                                 tw_session_get_risk_monitor (session),
                                 tw_session_get_backup_scheduler (session));
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = session_page_set_session;
}
