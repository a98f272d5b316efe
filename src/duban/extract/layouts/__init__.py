"""One module per layout family; each recognizes its own blocks and yields task drafts."""
