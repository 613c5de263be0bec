/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-backups-page.h"
#include "tw-narrow.h"

G_BEGIN_DECLS

typedef struct _Section Section;

struct _TwBackupsPage
{
  AdwBin             parent_instance;

  TwBackupManager   *manager;
  TwWorkspace       *workspace;
  TwActionRunner    *runner;
  TwRiskMonitor     *monitor;
  TwBackupScheduler *scheduler;
  gboolean           save_profile;
  GPtrArray         *sections;       /* Section */
  GHashTable        *verified;       /* path → TwBackup verified this session */
  GCancellable      *cancellable;
  guint              n_busy;
  guint              age_timer;
  char              *last_message;
  GtkWidget         *open_dialog;    /* weak */
  TwNarrow           narrow;         /* below 600 px: rows' actions in a menu */

  GtkStack          *stack;
  GtkBox            *databases_box;
  GtkLabel          *summary_label;
};

struct _Section
{
  TwBackupsPage *page;               /* unowned */
  char          *id;
  char          *path;
  char          *backup_dir;
  guint          schedule_hours;
  guint          retention_days;
  gboolean       creating;
  guint          settings_timer;
  char          *newest_text;
  gboolean       newest_warning;

  GtkWidget     *group;
  GtkWidget     *newest_row;
  GtkWidget     *newest_icon;
  GtkWidget     *backup_button;
  GtkWidget     *restore_button;     /* wide: beside Back Up Now */
  GtkWidget     *header_menu;        /* narrow: Restore… in a menu */
  GtkWidget     *progress;
  GtkWidget     *schedule_spin;
  GtkWidget     *retention_spin;
  GtkWidget     *list_group;
  GPtrArray     *rows;               /* GtkWidget in list_group */
  GPtrArray     *backups;            /* TwBackup shown, newest first */
};

typedef struct
{
  TwBackupsPage *page;
  char          *id;
  char          *path;
} Op;

/* tw-backups-page.c */
void     _tw_backups_page_message       (TwBackupsPage *self,
                                         const char    *message);
Section *_tw_backups_page_lookup        (TwBackupsPage *self,
                                         const char    *id);
Section *_tw_backups_page_section_of    (TwBackupsPage *self,
                                         const char    *path,
                                         TwBackup     **backup);
void     _tw_backups_page_list          (TwBackupsPage *self,
                                         Section       *section);
Op      *_tw_backups_page_op_new        (TwBackupsPage *self,
                                         const char    *id,
                                         const char    *path);
void     _tw_backups_page_op_free       (Op            *op);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, _tw_backups_page_op_free)

void     _tw_backups_page_update_backup_button (Section *section);

/* tw-backups-page-actions.c: Back Up Now, Verify, Restore… */
void     _tw_backups_page_progress_cb            (TwBackupManager *manager,
                                                  TwBackupStep     step,
                                                  double           fraction,
                                                  TwBackupsPage   *self);
void     _tw_backups_page_backup_now_action      (GtkWidget  *widget,
                                                  const char *action_name,
                                                  GVariant   *parameter);
void     _tw_backups_page_verify_action          (GtkWidget  *widget,
                                                  const char *action_name,
                                                  GVariant   *parameter);
void     _tw_backups_page_restore_action         (GtkWidget  *widget,
                                                  const char *action_name,
                                                  GVariant   *parameter);
void     _tw_backups_page_restore_database_action (GtkWidget  *widget,
                                                  const char *action_name,
                                                  GVariant   *parameter);

/* tw-backups-page-delete.c */
void     _tw_backups_page_delete_action (GtkWidget     *widget,
                                         const char    *action_name,
                                         GVariant      *parameter);

/* For tests: what the widget shows, and the operator's hand. */

/* TRUE while a listing, backup, verification or deletion is under way. */
gboolean   tw_backups_page_is_busy            (TwBackupsPage     *self);
guint      tw_backups_page_get_n_backups      (TwBackupsPage     *self,
                                               const char        *db_id);
/* The @index-th backup shown for @db_id, newest first. (transfer none) (nullable) */
TwBackup  *tw_backups_page_get_backup         (TwBackupsPage     *self,
                                               const char        *db_id,
                                               guint              index);
/* The newest-backup line ("investiq_….db — 3 min ago" / "No backup yet"). */
const char *tw_backups_page_get_newest_text   (TwBackupsPage     *self,
                                               const char        *db_id);
/* Whether the newest-backup line is in warning style (none, or older than 24 h). */
gboolean   tw_backups_page_get_newest_warning (TwBackupsPage     *self,
                                               const char        *db_id);
/* The validity word shown for @path ("Valid", "Corrupt", "Not checked"), NULL if not shown. */
const char *tw_backups_page_get_validity_text (TwBackupsPage     *self,
                                               const char        *path);
/* Whether the page is in its narrow layout (its width under 600 px). */
gboolean   tw_backups_page_get_narrow         (TwBackupsPage     *self);
/* The row of the backup @path, NULL if not shown. (transfer none) */
GtkWidget *tw_backups_page_get_backup_row     (TwBackupsPage     *self,
                                               const char        *path);
/* The last toast's text. */
const char *tw_backups_page_get_last_message  (TwBackupsPage     *self);
/* The dialog or wizard the page opened last, while it is open. (transfer none) (nullable) */
GtkWidget  *tw_backups_page_get_open_dialog   (TwBackupsPage     *self);
/* As if the operator changed the settings of @db_id (saved after a short pause). */
void       tw_backups_page_set_schedule       (TwBackupsPage     *self,
                                               const char        *db_id,
                                               guint              schedule_hours,
                                               guint              retention_days);

G_END_DECLS
