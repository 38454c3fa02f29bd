from django.db import models
from django.urls import reverse


class Post(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    author = models.CharField(max_length=100)
    category = models.CharField(max_length=50)
    tags = models.JSONField(default=list, blank=True)
    body = models.TextField()
    published = models.DateField()

    class Meta:
        ordering = ["-published", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("blog:post", args=[self.slug])
