"""The application code under test: it knows nothing of tests or index names."""

from djangoes import connection


def add_book(book_id: str, title: str, year: int) -> None:
    connection.index(id=book_id, document={"title": title, "year": year}, refresh=True)


def find(words: str) -> list[str]:
    result = connection.search(query={"match": {"title": words}})
    return sorted(hit["_id"] for hit in result["hits"]["hits"])


def count() -> int:
    return connection.count()["count"]
