from pathlib import Path

import pytest

from ragcore.settings import OFFLINE_MODEL, SettingsError, load_settings


def test_defaults_work_offline_without_any_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAGCORE_HOME")
    monkeypatch.delenv("RAGCORE_EMBEDDER")
    settings = load_settings()
    assert settings.model == OFFLINE_MODEL
    assert settings.embedder == "use"
    assert settings.chroma_url is None
    assert settings.home.name == "home"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "llm.yaml"
    config.write_text("model_list: []\n")
    monkeypatch.setenv("RAGCORE_CHROMA_URL", "http://127.0.0.1:8000/")
    monkeypatch.setenv("RAGCORE_LLM_CONFIG", str(config))
    monkeypatch.setenv("RAGCORE_MODEL", "gpt-4o")
    monkeypatch.setenv("RAGCORE_RETRIEVAL__K", "8")
    settings = load_settings()
    assert settings.chroma_url == "http://127.0.0.1:8000"
    assert settings.llm_config == config
    assert settings.model == "gpt-4o"
    assert settings.retrieval.k == 8


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "RAGCORE_EMBEDDER",
            "word2vec",
            "RAGCORE_EMBEDDER='word2vec' is not valid: expected one of",
        ),
        (
            "RAGCORE_CHROMA_URL",
            "localhost",
            "RAGCORE_CHROMA_URL='localhost' is not valid: expected",
        ),
        ("RAGCORE_LLM_CONFIG", "/nope.yaml", "RAGCORE_LLM_CONFIG='/nope.yaml' is not valid"),
        ("RAGCORE_RETRIEVAL__K", "0", "RAGCORE_RETRIEVAL__K='0' is not valid"),
        ("RAGCORE_LANG", "fr", "RAGCORE_LANG='fr' is not valid"),
    ],
)
def test_invalid_value_is_one_sentence_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_settings_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    toml = tmp_path / "ragcore.toml"
    toml.write_text('model = "deepseek-chat"\n[retrieval]\nk = 7\n')
    monkeypatch.setenv("RAGCORE_SETTINGS_FILE", str(toml))
    monkeypatch.setenv("RAGCORE_MODEL", "from-env")
    settings = load_settings()
    assert settings.retrieval.k == 7
    assert settings.model == "from-env"  # the environment wins over the file


def test_missing_settings_file_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGCORE_SETTINGS_FILE", "/no/such.toml")
    with pytest.raises(SettingsError, match="RAGCORE_SETTINGS_FILE"):
        load_settings()


# Settings are validated once per combination of what they are read from (ragcore.settings
# _inputs); every change of those must still be seen at the next read.
def test_a_changed_variable_is_seen_at_the_next_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGCORE_RETRIEVAL__K", "6")
    assert load_settings().retrieval.k == 6
    monkeypatch.setenv("RAGCORE_RETRIEVAL__K", "9")
    assert load_settings().retrieval.k == 9
    monkeypatch.delenv("RAGCORE_RETRIEVAL__K")
    assert load_settings().retrieval.k == 5


def test_an_edited_settings_file_is_seen_at_the_next_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    toml = tmp_path / "ragcore.toml"
    toml.write_text('model = "first"\n')
    monkeypatch.setenv("RAGCORE_SETTINGS_FILE", str(toml))
    assert load_settings().model == "first"
    toml.write_text('model = "the second"\n')  # another size: seen even within one mtime tick
    assert load_settings().model == "the second"


@pytest.mark.parametrize("named_in", ["environment", "settings file"])
def test_a_model_file_removed_after_a_read_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, named_in: str
) -> None:
    config = tmp_path / "models.yaml"
    config.write_text("model_list: []\n")
    if named_in == "environment":
        monkeypatch.setenv("RAGCORE_LLM_CONFIG", str(config))
    else:
        toml = tmp_path / "ragcore.toml"
        toml.write_text(f"llm_config = {str(config)!r}\n")
        monkeypatch.setenv("RAGCORE_SETTINGS_FILE", str(toml))
    assert load_settings().llm_config == config
    config.unlink()
    with pytest.raises(SettingsError, match="RAGCORE_LLM_CONFIG"):
        load_settings()


def test_a_models_file_added_to_the_home_is_seen(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert load_settings(home=home).llm_config is None
    (home / "llm.yaml").write_text("model_list: []\n")
    assert load_settings(home=home).llm_config == home / "llm.yaml"


def test_changing_the_settings_read_does_not_change_the_next_read() -> None:
    first = load_settings()
    first.model = "changed by a caller"
    first.retrieval.k = 42
    again = load_settings()
    assert again.model != "changed by a caller" and again.retrieval.k != 42


def test_an_invalid_value_is_reported_at_every_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGCORE_LANG", "fr")
    for _ in range(2):
        with pytest.raises(SettingsError, match="RAGCORE_LANG"):
            load_settings()
