"""This repository's stack config (`Pulumi.<stack>.yaml`): pydantic models, strict YAML and
messages that name the key, the value and what is allowed."""
