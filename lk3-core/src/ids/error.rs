use crate::error::{ErrorCode, Lk3Error};

/// An identifier that cannot exist. Messages never repeat a personal number
/// (NIK, No. KK) or the birth date and sex a NIK encodes, so that they are safe
/// to log: an echoed input that holds a long run of digits is withheld.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentifierError {
    /// Not 16 ASCII digits.
    #[error("a NIK must be exactly 16 digits; got {length} characters, {non_digits} of them not digits")]
    NikFormat {
        /// Characters given.
        length: usize,
        /// How many of them are not ASCII digits.
        non_digits: usize,
    },
    /// The province, kab/kota or kecamatan part cannot exist.
    #[error("the NIK's region part is invalid: its {part} code does not exist")]
    NikRegion {
        /// `province`, `kab/kota` or `kecamatan`.
        part: &'static str,
    },
    /// The encoded birth date cannot exist.
    #[error("the NIK's birth date part (digits 7 to 12) is not a possible date (women have 40 added to the day)")]
    NikBirthDate,
    /// The serial is 0000.
    #[error("the NIK's serial number is 0000, which is never issued")]
    NikSerial,
    /// Not 16 ASCII digits.
    #[error("a No. KK must be exactly 16 digits; got {length} characters, {non_digits} of them not digits")]
    KkFormat {
        /// Characters given.
        length: usize,
        /// How many of them are not ASCII digits.
        non_digits: usize,
    },
    /// The issuing region cannot exist.
    #[error("the No. KK's region part is invalid: its {part} code does not exist")]
    KkRegion {
        /// `province`, `kab/kota` or `kecamatan`.
        part: &'static str,
    },
    /// Not a kode wilayah (`PP`, `PP.KK`, `PP.KK.CC` or `PP.KK.CC.DDDD`).
    #[error("`{input}` is not a kode wilayah: expected PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD ({problem})")]
    KodeWilayahFormat {
        /// The text given.
        input: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Not an LK3 unit code (`PP.KK`, optionally `-SUFFIX`).
    #[error(
        "`{input}` is not an LK3 unit code: expected a province or kab/kota code such as `64.74`, optionally followed by `-` and up to 16 capital letters or digits"
    )]
    UnitCodeFormat {
        /// The text given.
        input: String,
    },
    /// Not a case number (`UNIT/YEAR/SERIAL`).
    #[error("`{input}` is not a case number: expected UNIT/YEAR/SERIAL such as `64.74/2019/0007` ({problem})")]
    CaseNumberFormat {
        /// The text given.
        input: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Not a UUID.
    #[error("`{input}` is not a valid id: expected a UUID such as `01890a5d-ac96-774b-bcce-b302099a8057`")]
    IdFormat {
        /// The text given.
        input: String,
    },
}

impl Lk3Error for IdentifierError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NikFormat { .. } => ErrorCode::NikFormat,
            Self::NikRegion { .. } => ErrorCode::NikRegion,
            Self::NikBirthDate => ErrorCode::NikBirthDate,
            Self::NikSerial => ErrorCode::NikSerial,
            Self::KkFormat { .. } => ErrorCode::KkFormat,
            Self::KkRegion { .. } => ErrorCode::KkRegion,
            Self::KodeWilayahFormat { .. } => ErrorCode::KodeWilayahFormat,
            Self::UnitCodeFormat { .. } => ErrorCode::UnitCodeFormat,
            Self::CaseNumberFormat { .. } => ErrorCode::CaseNumberFormat,
            Self::IdFormat { .. } => ErrorCode::IdFormat,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::NikFormat { length, non_digits } => {
                format!("NIK harus tepat 16 digit; diterima {length} karakter, {non_digits} di antaranya bukan digit")
            }
            Self::NikRegion { part } => format!("bagian wilayah NIK tidak sah: kode {} tidak ada", part_id(part)),
            Self::NikBirthDate => "bagian tanggal lahir NIK (digit ke-7 sampai ke-12) bukan tanggal yang mungkin (untuk perempuan tanggal ditambah 40)".to_owned(),
            Self::NikSerial => "nomor urut NIK 0000 tidak pernah diterbitkan".to_owned(),
            Self::KkFormat { length, non_digits } => format!(
                "No. KK harus tepat 16 digit; diterima {length} karakter, {non_digits} di antaranya bukan digit"
            ),
            Self::KkRegion { part } => format!("bagian wilayah No. KK tidak sah: kode {} tidak ada", part_id(part)),
            Self::KodeWilayahFormat { input, problem } => format!(
                "`{input}` bukan kode wilayah: seharusnya PP, PP.KK, PP.KK.CC atau PP.KK.CC.DDDD ({})",
                problem_id(problem)
            ),
            Self::UnitCodeFormat { input } => format!(
                "`{input}` bukan kode unit LK3: seharusnya kode provinsi atau kab/kota seperti `64.74`, boleh diikuti `-` dan paling banyak 16 huruf kapital atau angka"
            ),
            Self::CaseNumberFormat { input, problem } => format!(
                "`{input}` bukan nomor kasus: seharusnya UNIT/TAHUN/NOMOR seperti `64.74/2019/0007` ({})",
                problem_id(problem)
            ),
            Self::IdFormat { input } => {
                format!("`{input}` bukan id yang sah: seharusnya UUID seperti `01890a5d-ac96-774b-bcce-b302099a8057`")
            }
        }
    }
}

/// The input to echo in a message: withheld when it holds a run of 12 or
/// more digits (separators ` `, `.` and `-` ignored), which could be a NIK or
/// a No. KK, and cut to 40 characters otherwise.
pub(crate) fn echo(input: &str) -> String {
    if holds_personal_number(input) {
        return format!("<{} characters withheld>", input.chars().count());
    }
    let mut out: String = input.chars().take(40).collect();
    if input.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Whether `input` holds a run of 12 or more digits (separators ` `, `.`
/// and `-` ignored): a NIK or a No. KK, perhaps, never to be repeated.
pub(crate) fn holds_personal_number(input: &str) -> bool {
    let mut run = 0usize;
    for c in input.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 12 {
                return true;
            }
        } else if !matches!(c, ' ' | '.' | '-') {
            run = 0;
        }
    }
    false
}

fn part_id(part: &str) -> &str {
    match part {
        "province" => "provinsi",
        "kecamatan" => "kecamatan",
        other => other,
    }
}

/// Indonesian for the short `problem` texts used in format errors.
fn problem_id(problem: &str) -> &str {
    match problem {
        "empty" => "kosong",
        "too many parts" => "terlalu banyak bagian",
        "a part has the wrong number of digits" => "jumlah digit salah pada salah satu bagian",
        "the province code cannot start with 0" => "kode provinsi tidak boleh diawali 0",
        "kab/kota 00 or 70 does not exist" => "kab/kota 00 atau 70 tidak ada",
        "kecamatan 00 does not exist" => "kecamatan 00 tidak ada",
        "a village code starts with 1, 2 or 3" => "kode desa/kelurahan diawali 1, 2 atau 3",
        "the year is not a four-digit year" => "tahun bukan empat digit",
        "the serial is not a positive number" => "nomor urut bukan bilangan positif",
        "expected three parts separated by /" => "seharusnya tiga bagian dipisah /",
        "the unit code is invalid" => "kode unit tidak sah",
        other => other,
    }
}

/// A possible but odd identifier: worth a look, not a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(tag = "code")]
#[non_exhaustive]
pub enum IdentifierWarning {
    /// The NIK encodes the other sex than the one declared.
    #[serde(rename = "LK3-W001")]
    NikSexMismatch,
    /// The NIK encodes another birth date than the one declared.
    #[serde(rename = "LK3-W002")]
    NikBirthDateMismatch,
    /// The No. KK's date part is not a calendar date (its layout is not
    /// confirmed by a read source, so this is only a warning).
    #[serde(rename = "LK3-W003")]
    KkDateOdd,
    /// The No. KK's serial is 0000.
    #[serde(rename = "LK3-W004")]
    KkSerialZero,
}

impl IdentifierWarning {
    /// The stable warning code (`LK3-W001` ...).
    pub fn code(self) -> &'static str {
        match self {
            Self::NikSexMismatch => "LK3-W001",
            Self::NikBirthDateMismatch => "LK3-W002",
            Self::KkDateOdd => "LK3-W003",
            Self::KkSerialZero => "LK3-W004",
        }
    }

    /// The message in Indonesian.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NikSexMismatch => "jenis kelamin pada NIK berbeda dengan yang dinyatakan",
            Self::NikBirthDateMismatch => "tanggal lahir pada NIK berbeda dengan yang dinyatakan",
            Self::KkDateOdd => "bagian tanggal No. KK bukan tanggal kalender",
            Self::KkSerialZero => "nomor urut No. KK adalah 0000",
        }
    }

    /// The message in English.
    pub fn message_en(self) -> &'static str {
        match self {
            Self::NikSexMismatch => "the sex encoded in the NIK differs from the declared sex",
            Self::NikBirthDateMismatch => "the birth date encoded in the NIK differs from the declared birth date",
            Self::KkDateOdd => "the No. KK's date part is not a calendar date",
            Self::KkSerialZero => "the No. KK's serial number is 0000",
        }
    }
}
