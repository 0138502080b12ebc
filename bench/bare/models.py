from django.db import models


class Row(models.Model):
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "bench_bare_row"

    def __str__(self):
        return self.title
