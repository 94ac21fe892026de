"""What an import says when it is done: the lines the command prints and the admin shows."""

from .services import ImportReport


def report_lines(report: ImportReport) -> list[str]:
    lines = [
        f"{report.created:,} replies imported from {report.posts:,} posts in {report.threads:,} threads "
        f"({report.already_imported:,} were already imported)",
        f"{report.deleted:,} deleted on Disqus, kept as [deleted] placeholders; "
        f"{report.spam:,} spam, imported as removed; {report.held:,} held by the moderation hooks",
        f"{report.accounts_created:,} new accounts for commenters (they cannot sign in until claimed)",
    ]
    if report.articles_created:
        lines.append(f"{len(report.articles_created):,} new articles: " + "; ".join(report.articles_created[:20])
                     + (" ..." if len(report.articles_created) > 20 else ""))
    if report.articles_matched:
        lines.append(f"{len(report.articles_matched):,} existing articles matched: " + "; ".join(report.articles_matched[:20])
                     + (" ..." if len(report.articles_matched) > 20 else ""))
    for post_id, parent_id in sorted(report.missing_parents.items()):
        lines.append(f"post {post_id}: its parent {parent_id} is not in the export; placed at the top level with a note")
    return lines
