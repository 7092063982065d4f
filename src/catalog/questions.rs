//! The 50-question bank (`exercises/questions.toml`), in the project's words.

use serde::{Deserialize, Serialize};

use super::{CatalogError, FORMAT_VERSION};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionBank {
    pub format_version: u32,
    pub usage: Vec<String>,
    pub sections: Vec<Section>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub focus: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub number: u32,
    pub section: String,
    pub topic: String,
    pub prompt: String,
    pub rubric: Vec<String>,
    pub follow_ups: Vec<String>,
    pub minutes: u32,
    #[serde(default)]
    pub exercise: Option<String>,
}

impl QuestionBank {
    pub fn parse(text: &str) -> Result<QuestionBank, CatalogError> {
        let bank: QuestionBank =
            toml::from_str(text).map_err(|e| CatalogError::Questions(e.to_string()))?;
        if bank.format_version != FORMAT_VERSION {
            return Err(CatalogError::Questions(format!(
                "format_version {} (this build reads {FORMAT_VERSION})",
                bank.format_version
            )));
        }
        for q in &bank.questions {
            if !bank.sections.iter().any(|s| s.id == q.section) {
                return Err(CatalogError::Questions(format!(
                    "question {} names unknown section `{}`",
                    q.number, q.section
                )));
            }
        }
        Ok(bank)
    }

    pub fn question(&self, number: u32) -> Option<&Question> {
        self.questions.iter().find(|q| q.number == number)
    }

    pub fn in_section<'a>(&'a self, section: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.iter().filter(move |q| q.section == section)
    }
}
