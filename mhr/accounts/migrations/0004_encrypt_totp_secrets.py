from django.db import migrations

import mhr.core.fields
from mhr.core import crypto

CONTEXT = "accounts.totpdevice.secret"


def encrypt_existing(apps, schema_editor):
    # Raw SQL: the historical model's field would try to decrypt the plaintext it reads.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, secret FROM accounts_totpdevice")
        rows = cursor.fetchall()
        for pk, secret in rows:
            if secret and not secret.startswith(crypto.PREFIX):
                cursor.execute(
                    "UPDATE accounts_totpdevice SET secret = %s WHERE id = %s",
                    [crypto.encrypt(secret, context=CONTEXT), pk],
                )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_totp_devices_and_recovery_codes")]

    operations = [
        migrations.AlterField(
            model_name="totpdevice",
            name="secret",
            field=mhr.core.fields.EncryptedCharField(),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop, elidable=True),
    ]
