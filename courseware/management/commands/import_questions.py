from courseware.management.commands import import_gift


class Command(import_gift.Command):
    help = (
        "Import a GIFT or Moodle XML file (told apart by its content) into a quiz: questions whose [id:] or "
        "<idnumber> matches are updated, the others created; nothing is deleted. One refused question or a "
        "parse error and nothing is written."
    )
