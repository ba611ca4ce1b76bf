//! The message catalogue: every user-facing text in English and Vietnamese.
//!
//! One row per [`Key`] in the `messages!` table below; a row's texts may hold `{name}`
//! placeholders, filled by [`format`]. The tests at the bottom check that every key has both
//! languages, that both use the same placeholders and that the Vietnamese is not a copy of the
//! English, so adding a row is the whole job. (The command line's help texts, keyed by
//! command and argument, are in `src/cli/help_vi.rs`; `tests/cli.rs` fails on an English
//! message literal in the commands' errors.)
//!
//! Code that is handed a `lang` uses [`text`] and [`format`]; deep helpers that are not use
//! [`tr`] and [`tr_with`], which read the language `main` resolved once for the whole run.

use std::sync::OnceLock;

use crate::cli::Lang;

macro_rules! messages {
    ($($key:ident => $en:expr, $vi:expr;)+) => {
        /// A message of the catalogue.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Key {
            $($key,)+
        }

        impl Key {
            /// Every key, in table order.
            #[cfg(test)]
            pub(crate) const ALL: &'static [Key] = &[$(Key::$key,)+];

            fn texts(self) -> (&'static str, &'static str) {
                match self {
                    $(Key::$key => ($en, $vi),)+
                }
            }
        }
    };
}

messages! {
    // clap's usage errors (the help texts themselves are in src/cli/help_vi.rs)
    ClapErrorLabel => "error", "lỗi";
    ClapTipLabel => "tip", "gợi ý";
    ClapUnknownArgument => "unexpected argument '{arg}' found", "không nhận ra đối số '{arg}'";
    ClapInvalidSubcommand => "unrecognized subcommand '{name}'", "không có lệnh '{name}'";
    ClapInvalidValue => "invalid value '{value}' for '{arg}'", "giá trị '{value}' không hợp lệ cho '{arg}'";
    ClapValidValues => "possible values: {values}", "các giá trị hợp lệ: {values}";
    ClapMissingValue => "a value is required for '{arg}' but none was supplied", "'{arg}' cần một giá trị nhưng chưa có giá trị nào";
    ClapMissingRequired => "the following required arguments were not provided: {args}", "thiếu các đối số bắt buộc sau: {args}";
    ClapValidSubcommands => "subcommands: {names}", "các lệnh con: {names}";
    ClapMissingSubcommand => "'{name}' requires a subcommand", "'{name}' cần một lệnh con";
    ClapArgumentConflict => "the argument '{arg}' cannot be used with {others}", "không thể dùng đối số '{arg}' cùng với {others}";
    ClapArgumentRepeated => "the argument '{arg}' cannot be used multiple times", "không thể dùng đối số '{arg}' nhiều lần";
    ClapNoEquals => "equal sign is needed when assigning values to '{arg}'", "cần dấu bằng khi gán giá trị cho '{arg}'";
    ClapWrongNumberOfValues => "wrong number of values for '{arg}'", "số giá trị cho '{arg}' không đúng";
    ClapInvalidUtf8 => "invalid UTF-8 was detected in one or more arguments", "có đối số chứa chuỗi UTF-8 không hợp lệ";
    ClapOther => "invalid command line: {detail}", "dòng lệnh không hợp lệ: {detail}";
    ClapSimilarArgument => "a similar argument exists: '{arg}'", "có đối số gần giống: '{arg}'";
    ClapSimilarSubcommand => "a similar subcommand exists: '{name}'", "có lệnh gần giống: '{name}'";
    ClapSeparator => "to pass '{arg}' as a value, use '-- {arg}'", "để truyền '{arg}' như một giá trị, hãy dùng '-- {arg}'";
    ClapMoreInfo => "For more information, try '--help'.", "Để biết thêm, hãy chạy với '--help'.";
    // Files and common option values, shared by the commands
    FileCannotRead => "cannot read {path}", "không đọc được {path}";
    FileCannotReadAfter => "{path}: cannot read", "{path}: không đọc được";
    FileCannotOpenAfter => "{path}: cannot open", "{path}: không mở được";
    FileCannotReopen => "{path}: cannot reopen", "{path}: không mở lại được";
    FileReadFailed => "{path}: read failed", "{path}: đọc tệp bị lỗi";
    FileCannotList => "{path}: cannot list", "{path}: không liệt kê được thư mục";
    FileNoCertificate => "{path}: no certificate", "{path}: không có chứng thư số";
    FileNoCrl => "{path}: no CRL", "{path}: không có CRL";
    FileNotPng => "{path}: not a usable PNG", "{path}: không phải ảnh PNG dùng được";
    FileNotPngShort => "{path}: PNG", "{path}: ảnh PNG không dùng được";
    FileCannotReadFont => "{path}: cannot read font", "{path}: không đọc được phông chữ";
    FileNotTrueType => "{path}: not a usable TrueType font", "{path}: không phải phông TrueType dùng được";
    FileNotTrueTypeShort => "{path}: TrueType", "{path}: phông TrueType không dùng được";
    OutputTakesOneInput => "-o/--output takes one input", "-o/--output chỉ dùng cho một tệp đầu vào";
    AtNotRfc3339 => "--at {text}: not an RFC 3339 time", "--at {text}: không phải thời điểm dạng RFC 3339";
    AtOutOfRange => "--at out of range", "--at nằm ngoài khoảng thời gian cho phép";
    // src/input.rs and src/output.rs: reading inputs, writing outputs
    InputCannotOpen => "cannot open", "không mở được tệp";
    InputNoMetadata => "cannot read metadata", "không đọc được thông tin của tệp";
    InputCannotMap => "cannot map", "không ánh xạ được tệp vào bộ nhớ";
    InputStdin => "reading standard input", "lỗi khi đọc đầu vào chuẩn";
    OutputExists => "{path}: already exists (use --force to overwrite)", "{path}: đã tồn tại (dùng --force để ghi đè)";
    OutputNoTemp => "{path}: cannot create a temporary file", "{path}: không tạo được tệp tạm";
    OutputWriteFailed => "{path}: write failed", "{path}: ghi tệp bị lỗi";
    OutputCopyFailed => "{path}: copy failed", "{path}: sao chép bị lỗi";
    OutputNoPermissions => "{path}: cannot set permissions", "{path}: không đặt được quyền truy cập";
    OutputSyncFailed => "{path}: sync failed", "{path}: không ghi hẳn được xuống đĩa";
    OutputCannotRename => "{path}: cannot rename into place", "{path}: không đổi tên vào đúng chỗ được";
    // Keys, PINs and passwords (kyso sign's key source)
    SecretPin => "PIN", "mã PIN";
    SecretPassword => "password", "mật khẩu";
    SecretPinOptions => "--pin-env, --pin-file or --pin-stdin", "--pin-env, --pin-file hoặc --pin-stdin";
    SecretPassOptions => "--pass-env or --pass-file", "--pass-env hoặc --pass-file";
    EnvVarNotSet => "environment variable not found", "biến môi trường chưa được đặt";
    EnvVarNotUnicode => "the variable's value is not valid UTF-8", "giá trị của biến môi trường không phải UTF-8";
    SecretFromEnv => "cannot read the {what} from environment variable {var}", "không đọc được {what} từ biến môi trường {var}";
    SecretFromFile => "cannot read the {what} from {path}", "không đọc được {what} từ {path}";
    SecretFromStdin => "cannot read the {what} from standard input", "không đọc được {what} từ đầu vào chuẩn";
    SecretFromTerminal => "cannot read the {what} from the terminal", "không đọc được {what} từ cửa sổ dòng lệnh";
    SecretMissing => "no {what} given: use {options}", "chưa có {what}: hãy dùng {options}";
    PromptPassword => "Password for {path}: ", "Mật khẩu của {path}: ";
    PromptPin => "PIN for token {token}: ", "Mã PIN của token {token}: ";
    PromptPinPad => "Enter the PIN on the PIN pad of token {token}", "Hãy nhập mã PIN trên bàn phím của token {token}";
    KeysCannotOpen => "cannot open {path}", "không mở được {path}";
    KeysNoSource => "no signing key given: use --pkcs11 MODULE (or KYSO_PKCS11_MODULE) for a token, --p12 FILE, or --key FILE --cert FILE", "chưa chỉ định khóa ký: hãy dùng --pkcs11 MODULE (hoặc KYSO_PKCS11_MODULE) cho token, --p12 FILE, hoặc --key FILE --cert FILE";
    KeysCertMismatch => "cannot use the key {key} with {cert}", "không dùng được khóa {key} với chứng thư số {cert}";
    KeysOneSelector => "choose the key with only one of --key-label, --key-id and --cert-sha256", "chỉ chọn khóa bằng một trong --key-label, --key-id và --cert-sha256";
    KeysChainUnreadable => "cannot read the certificates in {path}", "không đọc được các chứng thư số trong {path}";
    KeysPssNeedsRsa => "--pss applies to RSA keys only; this key is ECDSA", "--pss chỉ dùng cho khóa RSA; khóa này là ECDSA";
    // kyso sign: placement, appearance, signing
    SignReadingCertificate => "reading the signer's certificate", "lỗi khi đọc chứng thư số của người ký";
    AppearanceSigner => "Signed by: {name}", "Người ký: {name}";
    AppearanceDate => "Date: {when}", "Thời gian ký: {when}";
    SignDidNotFit => "the signature did not fit its reserved space", "chữ ký không vừa vùng dành sẵn cho nó";
    SignPageMissing => "page {page} does not exist (the document has {pages} pages)", "trang {page} không tồn tại (văn bản có {pages} trang)";
    SignPageIndex => "page index", "số thứ tự trang không hợp lệ";
    SignVisibleNeedsRect => "a visible signature needs --rect x1,y1,x2,y2", "chữ ký hiển thị cần --rect x1,y1,x2,y2";
    SignRectNotNumbers => "--rect {rect}: expected four numbers x1,y1,x2,y2", "--rect {rect}: cần bốn số x1,y1,x2,y2";
    SignRectOrder => "--rect {rect}: x2 must exceed x1 and y2 must exceed y1", "--rect {rect}: x2 phải lớn hơn x1 và y2 phải lớn hơn y1";
    SignNoUnicodeFont => "no Unicode font found for the visible text: install fonts-dejavu-core or pass --font FILE.ttf", "không tìm thấy phông Unicode cho chữ hiển thị: hãy cài fonts-dejavu-core hoặc dùng --font FILE.ttf";
    SignXmlTimestamp => "time-stamping the XML signature", "lỗi khi gắn dấu thời gian cho chữ ký XML";
    // kyso verify
    VerifyNoFiles => "no files to verify (give paths or --files-from)", "không có tệp nào để kiểm tra (hãy cho đường dẫn hoặc --files-from)";
    VerifyNoThreads => "cannot start the worker threads", "không khởi động được các luồng xử lý";
    VerifyTrustUnreadable => "--trust {path}: cannot read", "--trust {path}: không đọc được";
    VerifyTrustNotCertificate => "--trust {path}: not a certificate", "--trust {path}: không phải chứng thư số";
    VerifyTrustCannotList => "--trust {path}: cannot list", "--trust {path}: không liệt kê được thư mục";
    VerifyListCannotOpen => "--files-from {path}: cannot open", "--files-from {path}: không mở được";
    VerifyListCannotRead => "--files-from: cannot read", "--files-from: không đọc được";
    VerifyCannotPdf => "cannot verify this PDF: {detail}", "không kiểm tra được tệp PDF này: {detail}";
    VerifyCannotXml => "cannot verify this XML document: {detail}", "không kiểm tra được văn bản XML này: {detail}";
    VerifyCannotEdxml => "cannot verify this edXML package: {detail}", "không kiểm tra được gói tin edXML này: {detail}";
    VerifyInternalPdf => "internal error while verifying this PDF", "lỗi nội bộ khi kiểm tra tệp PDF này";
    VerifyInternal => "internal error while verifying this {format} file", "lỗi nội bộ khi kiểm tra tệp {format} này";
    VerifyReferenceQuery => "references with a query or fragment are not followed", "không theo các tham chiếu có phần truy vấn hoặc phân đoạn (? hoặc #)";
    VerifyInternalValidation => "internal error while validating the signatures", "lỗi nội bộ khi kiểm tra các chữ ký";
    VerifyFileNotOpen => "file not open", "tệp chưa được mở";
    VerifyReferenceScheme => "{scheme}: references are never followed (only http, https, file: and paths)", "{scheme}: không bao giờ theo các tham chiếu kiểu này (chỉ theo http, https, file: và đường dẫn)";
    VerifyReferenceNotFetched => "{uri} is not fetched without --allow-external", "không tải {uri} khi không có --allow-external";
    VerifyFetchFailed => "cannot fetch {url}: {detail}", "không tải được {url}: {detail}";
    VerifyFetchStatus => "{url} answered HTTP {status}", "{url} trả lời HTTP {status}";
    VerifyFetchTooLarge => "{url}: the body is larger than {limit} bytes", "{url}: nội dung lớn hơn {limit} byte";
    VerifyFetchTooSlow => "{url}: not received within {secs} s", "{url}: không nhận xong trong {secs} giây";
    VerifyFetchRedirect => "{url} redirects to {target}: only redirects within the same scheme are followed", "{url} chuyển hướng tới {target}: chỉ theo chuyển hướng cùng giao thức";
    VerifyFetchRedirects => "{url}: more than {max} redirects", "{url}: quá {max} lần chuyển hướng";
    VerifyReferenceEscape => "{uri} has a malformed percent escape", "{uri} có mã thoát phần trăm (%) sai dạng";
    VerifyReferenceNotUtf8 => "{uri} is not UTF-8", "{uri} không phải UTF-8";
    VerifyReferenceAbsolute => "{uri} is an absolute path: it is read only with --allow-external", "{uri} là đường dẫn tuyệt đối: chỉ đọc khi có --allow-external";
    VerifyReferenceOutside => "{uri} leads outside the signature's folder: it is read only with --allow-external", "{uri} trỏ ra ngoài thư mục chứa chữ ký: chỉ đọc khi có --allow-external";
    VerifyZipRefused => "{label}: zip archive refused: {detail}", "{label}: từ chối mở tệp nén zip: {detail}";
    VerifyNestedTooDeep => "{label}: nested more than {max} levels deep, not opened", "{label}: lồng sâu quá {max} cấp, không mở";
    VerifyAttachmentUnsigned => "{label} carries no signature", "{label} không mang chữ ký nào";
    VerifyUnsupportedFormat => "unsupported format: neither PDF nor XML", "định dạng không được hỗ trợ: không phải PDF hay XML";
    VerifyFileMissing => "{path} does not exist", "{path} không tồn tại";
    VerifyNotRegularFile => "{path} is not a regular file", "{path} không phải là tệp thông thường";
    VerifyFileTooLarge => "{path} is {size} bytes, above the limit of {limit}", "{path} có {size} byte, vượt giới hạn {limit} byte";
    VerifyXmlTimestampOtherData => "the time-stamp is for other data: {detail}", "dấu thời gian dành cho dữ liệu khác: {detail}";
    // kyso timestamp, and the TSA options of sign and ltv
    TsaNone => "no time-stamp authority: pass --tsa URL or set KYSO_TSA_URL", "chưa có máy chủ cấp dấu thời gian: hãy dùng --tsa URL hoặc đặt KYSO_TSA_URL";
    TsaPolicyNotOid => "--tsa-policy {policy} is not an OID", "--tsa-policy {policy} không phải là OID";
    TsaPassEnvUnset => "--tsa-pass-env: environment variable {var} is not set", "--tsa-pass-env: chưa đặt biến môi trường {var}";
    TsaTokenEnvUnset => "--tsa-token-env: environment variable {var} is not set", "--tsa-token-env: chưa đặt biến môi trường {var}";
    TsaHeaderInvalid => "--tsa-header {header}: expected \"Name: value\"", "--tsa-header {header}: cần dạng \"Name: value\"";
    TsaDocHash => "document time-stamps need --tsa-hash sha256, sha384 or sha512", "dấu thời gian văn bản cần --tsa-hash sha256, sha384 hoặc sha512";
    TsaDidNotFit => "the time-stamp token did not fit its reserved space", "dấu thời gian không vừa vùng dành sẵn cho nó";
    TsaNotQuery => "{path}: not a TimeStampReq", "{path}: không phải TimeStampReq";
    TsaNotTimestamp => "{path}: not a time-stamp", "{path}: không phải dấu thời gian";
    TsaOtherData => "the time-stamp is for other data (message imprint mismatch)", "dấu thời gian dành cho dữ liệu khác (giá trị băm không khớp)";
    TsaNotAnswerImprint => "the time-stamp does not answer the given request (imprint)", "dấu thời gian không trả lời yêu cầu đã cho (giá trị băm)";
    TsaNotAnswerNonce => "the time-stamp does not answer the given request (nonce)", "dấu thời gian không trả lời yêu cầu đã cho (nonce)";
    TsaSignatureInvalid => "the TSA's signature over the time-stamp does not verify", "chữ ký của TSA trên dấu thời gian không hợp lệ";
    TsaCertificate => "the TSA certificate", "chứng thư số của TSA";
    TsaGenTimeOutside => "genTime {gen_time} lies outside the TSA certificate's validity ({not_before} to {not_after})", "genTime {gen_time} nằm ngoài thời hạn của chứng thư số TSA ({not_before} đến {not_after})";
    TsaCertificateNotValid => "the TSA certificate ({subject}) is not valid for time-stamping at genTime", "chứng thư số TSA ({subject}) không hợp lệ để cấp dấu thời gian tại genTime";
    TsaAuthority => "the time-stamp authority", "máy chủ cấp dấu thời gian";
    TsaOneSigner => "a signature time-stamp needs exactly one signer", "dấu thời gian cho chữ ký cần đúng một người ký";
    // Result lines of kyso timestamp and kyso ltv (one line per file)
    ItemFailed => "error: {input}: {detail}", "lỗi: {input}: {detail}";
    TsStamped => "timestamped {input} -> {output} ({kind}, {time})", "đã gắn dấu thời gian {input} -> {output} ({kind}, {time})";
    TsValid => "valid {input} ({tsr}): time-stamped {time} by {tsa}", "hợp lệ {input} ({tsr}): dấu thời gian lúc {time} do {tsa} cấp";
    TsInvalid => "invalid {input}: {detail}", "không hợp lệ {input}: {detail}";
    TermDocumentTimestamp => "document timestamp", "dấu thời gian văn bản";
    TermDetached => "detached", "tách rời";
    TermUpToDate => "up-to-date", "còn hạn";
    TermWouldRenew => "would-renew", "cần gia hạn";
    TermLtv => "ltv", "đã thêm dữ liệu LTV";
    TermRenewed => "renewed", "đã gia hạn";
    TermArchived => "archived", "đã lưu trữ";
    LtvDss => "DSS with {certificates} certificates, {ocsp} OCSP responses, {crls} CRLs for {signatures} signatures", "DSS gồm {certificates} chứng thư số, {ocsp} phản hồi OCSP, {crls} CRL cho {signatures} chữ ký";
    LtvNoSource => "; no revocation source for: {subjects}", "; không có nguồn thông tin thu hồi cho: {subjects}";
    LtvTsaExpires => "TSA certificate {tsa} expires {time}", "chứng thư số TSA {tsa} hết hạn lúc {time}";
    LtvArchiveStamp => "; archive time-stamp {time} from {url}", "; dấu thời gian lưu trữ lúc {time} từ {url}";
    // kyso token list, kyso token certs
    TokenModule => "Module:", "Thư viện:";
    TokenNoSlots => "No slots.", "Không có khe cắm nào.";
    TokenSlot => "Slot {id}:", "Khe cắm {id}:";
    TokenNoToken => "(no token)", "(không có token)";
    TokenNotInitialised => "(token not initialised)", "(token chưa được khởi tạo)";
    TokenToken => "Token:", "Token:";
    TokenManufacturer => "Manufacturer:", "Nhà sản xuất:";
    TokenModel => "Model:", "Mẫu:";
    TokenSerial => "Serial:", "Số sê-ri:";
    TokenFlags => "Flags:", "Trạng thái:";
    TokenFlagLoginRequired => "login required", "cần đăng nhập";
    TokenFlagPinPad => "PIN pad", "có bàn phím nhập PIN";
    TokenFlagPinNotInitialised => "user PIN not initialised", "chưa đặt mã PIN người dùng";
    TokenFlagPinMustChange => "user PIN must be changed", "phải đổi mã PIN người dùng";
    TokenFlagPinCountLow => "PIN COUNT LOW (a wrong PIN was entered)", "SỐ LẦN THỬ PIN CÒN ÍT (đã có lần nhập sai)";
    TokenFlagPinFinalTry => "PIN FINAL TRY (one more wrong PIN locks the token)", "LẦN THỬ PIN CUỐI (nhập sai thêm một lần token sẽ bị khóa)";
    TokenFlagPinLocked => "PIN LOCKED", "MÃ PIN ĐÃ BỊ KHÓA";
    TokenFlagWriteProtected => "write protected", "chống ghi";
    TokenCertsHeading => "Token {token} (slot {slot}): {count} certificates", "Token {token} (khe cắm {slot}): {count} chứng thư số";
    TokenCertsHeadingOne => "Token {token} (slot {slot}): {count} certificate", "Token {token} (khe cắm {slot}): {count} chứng thư số";
    TokenCertLine => "[{n}] label {label}, id {id}, private key: {key}", "[{n}] nhãn {label}, id {id}, khóa bí mật: {key}";
    TokenKeyYes => "yes", "có";
    TokenKeyNo => "no", "không";
    TokenKeyUnknown => "unknown (log in with --pin-env/--pin-file/--pin-stdin to see)", "không rõ (đăng nhập bằng --pin-env/--pin-file/--pin-stdin để xem)";
    TokenNoId => "(none)", "(không có)";
    TokenSubject => "Subject:", "Chủ thể:";
    TokenIssuer => "Issuer:", "Tổ chức cấp:";
    TokenValid => "Valid:", "Hiệu lực:";
    TokenValidRange => "{from} to {to}", "từ {from} đến {to}";
    TokenKeyUsage => "Key usage:", "Mục đích khóa:";
    TokenCertUndecodable => "(cannot decode the certificate: {detail})", "(không giải mã được chứng thư số: {detail})";
    // kyso ltv
    LtvSignature => "signature {name}", "chữ ký {name}";
    LtvNoSignature => "the document has no signature", "văn bản không có chữ ký nào";
    LtvSignatureCms => "the signature's CMS", "cấu trúc CMS của chữ ký";
    LtvSignatureTimestamp => "a signature time-stamp", "dấu thời gian của chữ ký";
    LtvCannotFetch => "cannot fetch revocation data for {subject}", "không lấy được dữ liệu thu hồi cho {subject}";
    LtvNeedsTsa => "--archive and --renew need a time-stamp authority: pass --tsa URL or set KYSO_TSA_URL", "--archive và --renew cần máy chủ cấp dấu thời gian: hãy dùng --tsa URL hoặc đặt KYSO_TSA_URL";
    LtvNoTsa => "no time-stamp authority", "chưa có máy chủ cấp dấu thời gian";
    LtvNotArchive => "not an archive: no document time-stamp", "chưa phải bản lưu trữ: không có dấu thời gian văn bản";
    // kyso chain validate, kyso trust, kyso token
    ChainEkuNotOid => "--eku {value}: not a dotted OID", "--eku {value}: không phải OID dạng số chấm";
    ChainUnknownKeyUsage => "--key-usage {value}: unknown key usage", "--key-usage {value}: mục đích sử dụng khóa không xác định";
    TrustManifestMalformed => "the built-in trust manifest is malformed", "danh mục ghim có sẵn trong kyso bị lỗi";
    TrustNoHome => "neither KYSO_TRUST_DIR nor HOME is set", "chưa đặt KYSO_TRUST_DIR hay HOME";
    TokenCannotListCerts => "cannot list the certificates on token {token}", "không liệt kê được các chứng thư số trên token {token}";
    // Progress bars (indicatif templates: the {…} are indicatif's fields)
    ProgressSign => "{spinner} {bar:40} {pos}/{len} {per_sec} eta {eta}", "{spinner} {bar:40} {pos}/{len} {per_sec} còn {eta}";
    ProgressVerify => "{bar:40} {pos}/{len} files, {per_sec}, eta {eta}", "{bar:40} {pos}/{len} tệp, {per_sec}, còn {eta}";
    // The operating system's reasons most often met (other reasons keep the system's words)
    IoNotFound => "No such file or directory", "không có tệp hoặc thư mục này";
    IoPermissionDenied => "Permission denied", "không có quyền truy cập";
    IoAlreadyExists => "File exists", "tệp đã tồn tại";
    IoIsADirectory => "Is a directory", "đây là một thư mục";
    IoNotADirectory => "Not a directory", "không phải là thư mục";
    IoStorageFull => "No space left on device", "ổ đĩa đã hết chỗ trống";
    IoReadOnly => "Read-only file system", "hệ thống tệp chỉ cho phép đọc";
    // kyso verify: the readable report
    ReportSummary => "{files} files, {signatures} signatures: {passed} passed, {failed} failed, {indeterminate} indeterminate; {unsigned} unsigned, {errors} errors", "{files} tệp, {signatures} chữ ký: {passed} hợp lệ, {failed} không hợp lệ, {indeterminate} chưa xác định; {unsigned} chưa ký, {errors} lỗi";
    ReportError => "error", "lỗi";
    ReportNotSigned => "not signed", "chưa được ký số";
    ReportPassed => "PASSED", "HỢP LỆ";
    ReportFailed => "FAILED", "KHÔNG HỢP LỆ";
    ReportIndeterminate => "INDETERMINATE", "CHƯA XÁC ĐỊNH";
    ReportSignature => "signature", "chữ ký";
    ReportSigner => "signer", "người ký";
    ReportManagingUnit => "managing unit", "đơn vị quản lý";
    ReportIssuer => "issuing CA", "tổ chức cấp chứng thư";
    ReportSigningTime => "signing time", "thời gian ký";
    ReportTimestamp => "timestamp", "dấu thời gian";
    ReportClaimed => "claimed by the signer", "do người ký khai báo";
    ReportCoverage => "coverage", "phạm vi ký";
    ReportCertificateValidity => "certificate validity", "hiệu lực chứng thư";
    ReportIntegrity => "integrity", "toàn vẹn";
    ReportValidAtSigning => "valid at signing time", "hiệu lực tại thời điểm ký";
    ReportCoverageFile => "entire file", "toàn bộ tệp";
    ReportCoverageRevision => "entire revision, later changes allowed", "toàn bộ phiên bản đã ký, các thay đổi sau đó được phép";
    ReportCoveragePartial => "partial: disallowed changes after signing", "một phần: có thay đổi không được phép sau khi ký";
    ReportBroken => "BROKEN: the document was altered after signing", "KHÔNG toàn vẹn: tài liệu đã bị thay đổi sau khi ký";
    ReportIntact => "intact", "toàn vẹn";
    ReportNotEstablished => "not established", "không xác định được";
    ReportValid => "valid", "còn hiệu lực";
    ReportNotEstablishedBelow => "not established (see below)", "không xác định được (xem bên dưới)";
    // kyso verify: the reason codes a clerk meets most (the library's English detail follows)
    CodeIntegrityOk => "the signed data is intact and the signature is correct", "dữ liệu đã ký còn nguyên vẹn, chữ ký đúng";
    CodeDigestMismatch => "digest mismatch: the content was changed after signing", "giá trị băm không khớp: nội dung đã bị sửa sau khi ký";
    CodeBadSignature => "the signature does not match the signer's public key", "chữ ký không đúng với khóa công khai của người ký";
    CodeModifiedAfterSigning => "the document was changed in a disallowed way after signing", "tài liệu bị thay đổi không được phép sau khi ký";
    CodePermissionViolated => "a change after signing violates the certification permissions (DocMDP)", "thay đổi sau khi ký vi phạm quyền chứng nhận (DocMDP)";
    CodeLockPermissionViolated => "a change after signing violates the permissions of the signature's field lock (FieldMDP /P)", "thay đổi sau khi ký vi phạm quyền do khóa trường của chữ ký quy định (FieldMDP /P)";
    CodeFieldLocked => "a form field locked by the signature (FieldMDP) was changed", "trường biểu mẫu đã bị khóa khi ký (FieldMDP) lại bị thay đổi";
    CodeAllowedChanges => "allowed changes after signing", "có thay đổi được phép sau khi ký";
    CodeByteRangeInvalid => "the signed byte range (ByteRange) is invalid", "vùng dữ liệu ký (ByteRange) không hợp lệ";
    CodeNonStandardCoverage => "the signature does not cover a whole revision of the document", "chữ ký không bao phủ trọn một phiên bản tài liệu";
    CodeDataAfterEof => "unknown data after the last revision", "có dữ liệu lạ sau phiên bản cuối";
    CodeValidationTime => "validation time", "thời điểm kiểm tra";
    CodeValidationTimeClaimed => "no trusted time-stamp: validated at the signing time the signer claims", "không có dấu thời gian tin cậy: kiểm tra tại thời điểm ký do người ký khai báo";
    CodeChainUnknownIssuer => "no chain to a trusted root CA", "không xây dựng được chuỗi chứng thư đến CA gốc tin cậy";
    CodeChainExpired => "the certificate had expired at the validation time", "chứng thư số đã hết hạn tại thời điểm kiểm tra";
    CodeChainRevoked => "the certificate has been revoked", "chứng thư số đã bị thu hồi";
    CodeChainWarning => "certificate chain warning", "cảnh báo về chuỗi chứng thư";
    CodeTimestampUntrusted => "the time-stamp is not trusted", "dấu thời gian không được tin cậy";
    CodeSha1 => "uses SHA-1 (weak)", "dùng thuật toán SHA-1 (yếu)";
    CodeLegacyFormat => "old signature format", "định dạng chữ ký cũ";
    CodeNotBaseline => "reaches no PAdES baseline level", "chữ ký không đạt mức PAdES cơ bản nào";
    ReasonCarriedNoRevocation => "no revocation status for {subject} in the carried data", "dữ liệu đi kèm chữ ký không có tình trạng thu hồi của {subject}";
    // kyso verify: the reasons of a verdict. The English is the JSON/CSV `message` (built by
    // src/cmd/verify/verdict.rs or, for the Detail*/Finding* rows, by kyso-chain, kyso-cms
    // and kyso-pdf); the table reads the values back from it and fills the Vietnamese.
    ReasonIntegrityOk => "the signed bytes are intact and the signature verifies", "các byte đã ký còn nguyên vẹn và chữ ký được xác minh đúng";
    ReasonSha1 => "SHA-1 is used (weak; accepted only for old archives)", "chữ ký dùng thuật toán băm SHA-1 (yếu; chỉ chấp nhận cho hồ sơ lưu trữ cũ)";
    ReasonTimestampImprint => "the signature timestamp does not stamp this signature: {detail}", "dấu thời gian của chữ ký không được cấp cho chính chữ ký này: {detail}";
    ReasonTimestampIgnored => "the signature timestamp is defective and proves nothing: {detail}", "dấu thời gian của chữ ký bị lỗi nên không chứng minh được gì: {detail}";
    ReasonTimestampProven => "the signature timestamp is proven to exist at {time} by the document timestamp {by}: its TSA certificate is validated there", "dấu thời gian tài liệu {by} chứng minh dấu thời gian của chữ ký đã tồn tại lúc {time}: chứng thư của đơn vị cấp dấu thời gian (TSA) được kiểm tra tại thời điểm đó";
    ReasonTimestampUntrusted => "the signature timestamp's TSA is not trusted: {detail}", "đơn vị cấp dấu thời gian (TSA) của chữ ký không được tin cậy: {detail}";
    ReasonValidatedNow => "validated at the current time, {time}", "kiểm tra tại thời điểm hiện tại, {time}";
    ReasonValidatedAt => "validated at {time} as requested", "kiểm tra tại thời điểm {time} theo yêu cầu";
    ReasonValidatedProven => "validated at the time proven by the timestamp, {time}", "kiểm tra tại thời điểm do dấu thời gian chứng minh, {time}";
    ReasonValidatedClaimed => "no trusted timestamp: validated at the signing time the signer claims, {time} (unproven)", "không có dấu thời gian tin cậy: kiểm tra tại thời điểm ký do người ký khai báo, {time} (chưa được chứng minh)";
    ReasonValidatedNoTime => "no signing time at all: validated at the current time", "không có thông tin thời gian ký: kiểm tra tại thời điểm hiện tại";
    ReasonProvenBySignatureTimestamp => "proven to exist at {time} by its signature timestamp, itself covered by the document timestamp {by} of {by_time}; the certificate chain is validated at that time with the embedded revocation data", "dấu thời gian của chữ ký (được dấu thời gian tài liệu {by} lúc {by_time} bao phủ) chứng minh chữ ký đã tồn tại lúc {time}; chuỗi chứng thư được kiểm tra tại thời điểm đó với dữ liệu thu hồi có trong tệp";
    ReasonProvenByDocumentTimestamp => "proven to exist at {time} by the document timestamp {by}; the certificate chain is validated at that time with the embedded revocation data", "dấu thời gian tài liệu {by} chứng minh chữ ký đã tồn tại lúc {time}; chuỗi chứng thư được kiểm tra tại thời điểm đó với dữ liệu thu hồi có trong tệp";
    ReasonWarningSha1 => "{subject} is signed with SHA-1", "chứng thư {subject} được ký bằng SHA-1";
    ReasonWarningRevocation => "the revocation status of {subject} could not be checked: {why}", "không kiểm tra được tình trạng thu hồi của chứng thư {subject}: {why}";
    ReasonNoCertificateBinding => "no PAdES baseline level: no signing-certificate(-v2) attribute binds the signer's certificate (ETSI EN 319 142-1)", "không đạt mức PAdES cơ bản nào: không có thuộc tính signing-certificate(-v2) gắn chứng thư của người ký vào chữ ký (ETSI EN 319 142-1)";
    ReasonSigningTimeAttribute => "no PAdES baseline level: the CMS carries a signing-time attribute, which PAdES forbids (the claimed time belongs in /M, ETSI EN 319 142-1)", "không đạt mức PAdES cơ bản nào: CMS có thuộc tính signing-time mà PAdES không cho phép (thời gian khai báo phải nằm trong /M, ETSI EN 319 142-1)";
    ReasonChain => "certificate chain: {detail}", "chuỗi chứng thư: {detail}";
    ReasonCertificateUnparsable => "the signer's certificate does not parse: {detail}", "không phân tích được chứng thư của người ký: {detail}";
    DetailChainMalformed => "malformed certificate: {detail}", "chứng thư sai cấu trúc: {detail}";
    DetailChainUnknownIssuer => "no trusted issuer found for {subject}", "không tìm thấy tổ chức cấp tin cậy nào cho chứng thư {subject}";
    DetailChainExpired => "certificate {subject} expired at {not_after} (validated at {at})", "chứng thư {subject} đã hết hạn lúc {not_after} (thời điểm kiểm tra: {at})";
    DetailChainNotYetValid => "certificate {subject} is not valid before {not_before} (validated at {at})", "chứng thư {subject} chưa có hiệu lực trước {not_before} (thời điểm kiểm tra: {at})";
    DetailChainBadSignature => "bad signature on {subject}", "chữ ký trên chứng thư {subject} không đúng";
    DetailChainAlgorithm => "unsupported or refused algorithm {oid} in {subject}", "thuật toán {oid} trong chứng thư {subject} không được hỗ trợ hoặc bị từ chối";
    DetailChainKeyTooWeak => "key of {subject} is too weak ({bits} bits)", "khóa của chứng thư {subject} quá yếu ({bits} bit)";
    DetailChainSha1 => "SHA-1 signature on {subject} refused by policy", "chính sách không chấp nhận chữ ký SHA-1 trên chứng thư {subject}";
    DetailChainNotCa => "issuer {subject} is not a CA certificate", "tổ chức cấp {subject} không phải là chứng thư CA";
    DetailChainPathLength => "path length constraint of {subject} exceeded", "vượt giới hạn độ dài chuỗi do chứng thư {subject} quy định";
    DetailChainMaxDepth => "path longer than the allowed {max_depth} intermediates", "chuỗi chứng thư dài hơn {max_depth} CA trung gian cho phép";
    DetailChainKeyUsage => "certificate {subject} lacks key usage {usage}", "chứng thư {subject} thiếu mục đích sử dụng khóa {usage}";
    DetailChainEku => "extended key usage of {subject} allows none of {required}", "mục đích sử dụng khóa mở rộng của chứng thư {subject} không cho phép mục đích nào trong {required}";
    DetailChainNameConstraint => "name {name} of {subject} violates name constraints", "tên {name} của chứng thư {subject} vi phạm ràng buộc về tên";
    DetailChainCriticalExtension => "unknown critical extension {oid} in {subject}", "chứng thư {subject} có phần mở rộng bắt buộc {oid} không xác định";
    DetailChainPolicy => "no acceptable certificate policy for {subject}", "chứng thư {subject} không có chính sách chứng thư nào được chấp nhận";
    DetailChainRevoked => "certificate {subject} was revoked at {at} ({reason})", "chứng thư {subject} đã bị thu hồi lúc {at} (lý do: {reason})";
    DetailChainRevocationUnknown => "revocation status of {subject} unknown: {why}", "không xác định được tình trạng thu hồi của chứng thư {subject}: {why}";
    DetailChainBudget => "path building gave up: too much work", "đã dừng dựng chuỗi chứng thư: khối lượng xử lý quá lớn";
    DetailRevocationNoEvidence => "no CRL or OCSP response covers the certificate", "không có CRL hay phản hồi OCSP nào cho chứng thư";
    DetailRevocationCrlSignature => "the CRL's signature does not verify with the issuer's key", "chữ ký của CRL không khớp với khóa của tổ chức cấp";
    DetailRevocationCrlIssuer => "the CRL issuer's key usage does not allow cRLSign", "khóa của tổ chức phát hành CRL không được phép ký CRL (cRLSign)";
    DetailRevocationCrlExtension => "the CRL has an unknown critical extension", "CRL có phần mở rộng bắt buộc không xác định";
    DetailRevocationCrlStale => "the CRL is stale (nextUpdate before the validation time)", "CRL đã cũ (nextUpdate trước thời điểm kiểm tra)";
    DetailRevocationCrlAfterExpiry => "the CRL was issued after the certificate expired", "CRL được phát hành sau khi chứng thư hết hạn";
    DetailRevocationOcspStale => "the OCSP response is stale", "phản hồi OCSP đã cũ";
    DetailRevocationOcspUnknown => "the OCSP responder does not know the certificate", "máy chủ OCSP không biết chứng thư này";
    DetailRevocationOcspSignature => "the OCSP response's signature does not verify", "chữ ký của phản hồi OCSP không đúng";
    DetailRevocationOcspResponder => "the OCSP responder is not authorised by the issuing CA", "máy chủ OCSP không được CA cấp chứng thư ủy quyền";
    DetailRevocationOcspUnreachable => "the OCSP responder did not answer", "máy chủ OCSP không trả lời";
    DetailRevocationOcspUnusable => "the OCSP responder sent an unusable response", "máy chủ OCSP gửi phản hồi không dùng được";
    DetailRevocationCrlUnreachable => "the CRL distribution point did not answer", "điểm phân phối CRL không trả lời";
    DetailRevocationCrlUnusable => "the fetched CRL is malformed or does not cover the certificate", "CRL tải về sai cấu trúc hoặc không áp dụng cho chứng thư";
    DetailCmsDigestMismatch => "message digest does not match the signed content", "giá trị băm trong chữ ký không khớp với nội dung đã ký: nội dung đã bị sửa sau khi ký";
    DetailCmsBadSignature => "signature does not verify with the signer's key", "chữ ký không khớp với khóa công khai của người ký";
    DetailCmsSignerNotFound => "signer certificate not found among the embedded certificates", "không tìm thấy chứng thư của người ký trong các chứng thư kèm theo chữ ký";
    DetailCmsSignerUnusable => "signer certificate is unusable", "chứng thư của người ký không dùng được";
    DetailCmsSigningCertificate => "signing-certificate attribute does not match the signer certificate", "thuộc tính signing-certificate không khớp với chứng thư của người ký";
    DetailCmsAlgorithm => "unsupported algorithm {oid}", "không hỗ trợ thuật toán {oid}";
    DetailCmsContentType => "unexpected content type {oid}", "kiểu nội dung {oid} không đúng";
    DetailCmsMissingAttribute => "signed attribute {name} is missing", "thiếu thuộc tính đã ký {name}";
    DetailCmsDuplicateAttribute => "signed attribute {name} occurs more than once", "thuộc tính đã ký {name} xuất hiện nhiều lần";
    DetailCmsMalformedAt => "malformed {what} at offset {offset}", "{what} sai cấu trúc tại vị trí {offset}";
    DetailCmsMalformed => "malformed {what}", "{what} sai cấu trúc";
    DetailCmsImprint => "time-stamp imprint does not match the stamped data", "giá trị băm trong dấu thời gian không khớp với dữ liệu được đóng dấu";
    DetailCmsBadCertificate => "signer certificate is not a valid X.509 certificate", "chứng thư của người ký không phải chứng thư X.509 hợp lệ";
    DetailCmsSignerCount => "expected exactly one signer info, found {count}", "cần đúng một SignerInfo nhưng có {count}";
    DetailCmsDigestNotAllowed => "signature algorithm {signature} does not allow digest algorithm {digest}", "thuật toán chữ ký {signature} không cho phép thuật toán băm {digest}";
    DetailPdfEncapsulated => "the CMS of a detached signature carries encapsulated content", "CMS của chữ ký tách rời (detached) lại chứa nội dung bên trong";
    DetailPdfSha1Mismatch => "the SHA-1 digest inside the CMS does not match the signed bytes", "giá trị băm SHA-1 trong CMS không khớp với các byte đã ký: nội dung đã bị sửa sau khi ký";
    DetailPdfSignerCount => "the CMS has {count} signers, a PDF signature has exactly one", "CMS có {count} người ký, trong khi chữ ký PDF chỉ có đúng một";
    DetailPdfSubFilter => "unsupported /SubFilter {name}", "không hỗ trợ /SubFilter {name}";
    DetailPdfEddsa => "EdDSA signature with a digest algorithm RFC 8419 does not allow", "chữ ký EdDSA dùng thuật toán băm mà RFC 8419 không cho phép";
    DetailPdfRead => "cannot read the signed bytes", "không đọc được các byte đã ký";
    DetailPdfTooLarge => "the signed content is too large for a signature without signed attributes", "nội dung đã ký quá lớn đối với chữ ký không có thuộc tính đã ký";
    FindingNotRevisionEnd => "the signed bytes end at {offset}, not at the end of a revision", "phần đã ký kết thúc tại byte {offset}, không trùng với cuối một phiên bản của tài liệu";
    FindingTrailingData => "{count} bytes after the last %%EOF are not part of any revision", "{count} byte sau dấu %%EOF cuối cùng không thuộc phiên bản nào của tài liệu";
    FindingTooManyRevisions => "{count} revisions follow the signed one; at most {max} are analysed", "có {count} phiên bản sau phiên bản đã ký; chỉ phân tích tối đa {max} phiên bản";
    FindingFieldChanged => "revision {rev} changes the field \"{name}\", which this signature locks (FieldMDP)", "phiên bản {rev} thay đổi trường \"{name}\" mà chữ ký này đã khóa (FieldMDP)";
    FindingFieldAdded => "revision {rev} adds or signs the new signature field \"{name}\", which this signature's field lock covers (FieldMDP)", "phiên bản {rev} thêm hoặc ký trường chữ ký mới \"{name}\" thuộc phạm vi khóa trường của chữ ký này (FieldMDP)";
    FindingTooManyFields => "revision {rev} changes more than {max} fields; the field locks were checked on the first {max} only", "phiên bản {rev} thay đổi hơn {max} trường; khóa trường chỉ được kiểm tra trên {max} trường đầu tiên";
    FindingUnreadable => "revision {rev} cannot be read: {detail}", "không đọc được phiên bản {rev}: {detail}";
    FindingTooLarge => "revision {rev}: the document is too large to analyse its changes", "phiên bản {rev}: tài liệu quá lớn để phân tích các thay đổi";
    FindingObjectChanged => "revision {rev} changes object {num}: {problem}", "phiên bản {rev} thay đổi đối tượng {num}: {problem}";
    FindingMoreChanges => "revision {rev}: {count} more disallowed changes", "phiên bản {rev}: còn {count} thay đổi không được phép khác";
    FindingHybridXref => "revision {rev}: the xref table and the xref stream give object {num} different locations", "phiên bản {rev}: bảng xref và luồng xref cho đối tượng {num} hai vị trí khác nhau";
    FindingObjectInGap => "revision {rev} places object {num} inside a signature's unsigned /Contents gap", "phiên bản {rev} đặt đối tượng {num} vào khoảng /Contents không được ký của một chữ ký";
    FindingTrailerCatalog => "revision {rev} points the trailer at another document catalog", "phiên bản {rev} trỏ phần trailer sang một danh mục tài liệu (catalog) khác";
    FindingEncryption => "revision {rev} adds encryption", "phiên bản {rev} thêm mã hóa";
    FindingHiddenObject => "revision {rev} defines object {num} at byte {offset} without listing it in its cross-reference data", "phiên bản {rev} định nghĩa đối tượng {num} tại byte {offset} mà không liệt kê trong dữ liệu tham chiếu chéo";
    FindingSignatureRemoved => "this signature of revision {revision} is no longer in the document's form: a later revision removed it", "chữ ký này của phiên bản {revision} không còn trong biểu mẫu của tài liệu: một phiên bản sau đã xóa nó";
    FindingLegacySha1 => "legacy SubFilter adbe.pkcs7.sha1 (SHA-1 digest inside the CMS)", "SubFilter cũ adbe.pkcs7.sha1 (giá trị băm SHA-1 nằm trong CMS)";
    FindingDamagedXref => "the cross-reference data is damaged; objects were found by scanning", "dữ liệu tham chiếu chéo bị hỏng; các đối tượng được tìm bằng cách quét tệp";
    FindingDamagedAfterSigning => "bytes follow the signed revision but the cross-reference data is damaged, so what they change cannot be established", "có dữ liệu sau phiên bản đã ký nhưng dữ liệu tham chiếu chéo bị hỏng, nên không xác định được chúng thay đổi gì";
    FindingByteRange => "/ByteRange {range}: {detail}", "vùng ký /ByteRange {range} không hợp lệ: {detail}";
    FindingUnsignedBytes => "unsigned bytes {from}..{to}: {detail}", "các byte không được ký {from}..{to}: {detail}";
    FindingAllowedSummary => "revision {rev} changes {count} objects, all in allowed ways", "phiên bản {rev} thay đổi {count} đối tượng, tất cả đều theo cách được phép";
    FindingAllowedFields => "form filling or signing of the fields {fields}", "điền hoặc ký các trường {fields}";
    FindingAllowedSignatureFields => "signature fields added: {fields}", "thêm các trường chữ ký: {fields}";
    FindingAllowedAnnotations => "annotations added: {count} ({kinds})", "thêm {count} chú thích ({kinds})";
    XmlIntegrityOk => "every reference's digest matches and the signature verifies", "giá trị băm của mọi tham chiếu đều khớp và chữ ký được xác minh đúng";
    XmlReferenceDigest => "reference {uri}: digest does not match", "giá trị băm của tham chiếu {uri} không khớp: nội dung đã bị sửa sau khi ký";
    XmlSignatureValue => "SignatureValue does not verify with any offered key", "SignatureValue không khớp với khóa nào được cung cấp";
    // kyso verify: the reasons kyso-xml (dsig/verify.rs, dsig/xades.rs, edxml.rs) and
    // src/cmd/verify/xml.rs write, mirrored here exactly (the library keeps its English); the
    // table reads the values back and fills the Vietnamese. The XmlError*/XmlFeature* rows are
    // kyso-xml's error texts and feature names nested in them.
    XmlNoSignedInfo => "Signature has no SignedInfo", "chữ ký (Signature) không có phần SignedInfo";
    XmlNoReference => "SignedInfo has no Reference", "SignedInfo không có tham chiếu (Reference) nào";
    XmlUnsupportedSignatureMethod => "unsupported: {feature} (SignatureMethod {uri})", "kyso không hỗ trợ {feature} (thuật toán chữ ký SignatureMethod {uri})";
    XmlUnsupportedC14n => "unsupported: {feature} (CanonicalizationMethod {uri})", "kyso không hỗ trợ {feature} (phương pháp chuẩn hóa CanonicalizationMethod {uri})";
    XmlUnsupportedDigest => "unsupported: {feature} (DigestMethod {uri})", "kyso không hỗ trợ {feature} (thuật toán băm DigestMethod {uri})";
    XmlUnsupportedInReferenceBare => "unsupported: {feature} () in reference {uri}", "tham chiếu {uri} dùng {feature} mà kyso không hỗ trợ: không kiểm tra được dữ liệu của tham chiếu này";
    XmlUnsupportedInReference => "unsupported: {feature} ({what}) in reference {uri}", "tham chiếu {uri} dùng {feature} ({what}) mà kyso không hỗ trợ: không kiểm tra được dữ liệu của tham chiếu này";
    XmlSignatureValueMissing => "SignatureValue missing or not base64", "thiếu SignatureValue hoặc giá trị của nó không ở dạng base64";
    XmlLegacySignatureAlgorithm => "legacy signature algorithm {uri} (SHA-1)", "thuật toán chữ ký cũ {uri} (SHA-1, yếu)";
    XmlMisspelledC14n => "CanonicalizationMethod {uri} treated as Exclusive C14N 1.0", "CanonicalizationMethod {uri} (viết sai chính tả) được xử lý như Exclusive C14N 1.0";
    XmlMisspelledTransform => "transform URI {uri} is not registered; treated as Exclusive C14N 1.0 ({standard})", "URI phép biến đổi {uri} không phải URI đã đăng ký; được xử lý như Exclusive C14N 1.0 ({standard})";
    XmlNothingToVerifyWith => "no certificate or key to verify the signature with", "không có chứng thư hay khóa nào để xác minh chữ ký";
    XmlBareKeyValue => "the signature verifies with a bare KeyValue: no certificate, no identity", "chữ ký chỉ khớp với một khóa KeyValue trần: không có chứng thư nên không xác định được người ký";
    XmlValidatedProven => "validated at the time proven by the signature time-stamp, {time}", "kiểm tra tại thời điểm do dấu thời gian của chữ ký chứng minh, {time}";
    XmlValidatedClaimed => "no trusted time-stamp: validated at the signing time the signer claims, {time} (unproven)", "không có dấu thời gian tin cậy: kiểm tra tại thời điểm ký do người ký khai báo, {time} (chưa được chứng minh)";
    XmlDataIncompleteSigner => "the embedded validation data do not cover the signer's chain: {why}", "dữ liệu kiểm tra nhúng trong chữ ký không đủ cho chuỗi chứng thư của người ký (chưa đạt mức B-LT): {why}";
    XmlDataIncompleteTsa => "the embedded validation data do not cover the TSA's chain: {why}", "dữ liệu kiểm tra nhúng trong chữ ký không đủ cho chuỗi chứng thư của đơn vị cấp dấu thời gian (TSA) (chưa đạt mức B-LT): {why}";
    XmlNoTsaCertificate => "the signature time-stamp names no TSA certificate", "dấu thời gian của chữ ký không nêu chứng thư của đơn vị cấp dấu thời gian (TSA)";
    XmlValidatorNoData => "the chain validator cannot check embedded validation data", "bộ kiểm tra chuỗi chứng thư không kiểm tra được dữ liệu kiểm tra nhúng trong chữ ký";
    XmlLegacyDigest => "legacy digest {digest} in reference {uri}", "tham chiếu {uri} dùng thuật toán băm cũ {digest} (yếu)";
    XmlReferenceUnavailable => "reference {uri}: the referenced data are not available: {reason}", "không có dữ liệu mà tham chiếu {uri} trỏ tới: {reason}";
    XmlReferenceProblem => "reference \"{uri}\": {detail}", "không xác định được dữ liệu của tham chiếu \"{uri}\": {detail}";
    XadesPolicy => "signed under policy {policy} (not evaluated)", "chữ ký được tạo theo chính sách chữ ký {policy} (kyso không đánh giá chính sách này)";
    XadesNoSigningCertificate => "SignedProperties carry no SigningCertificate(V2)", "SignedProperties không có thuộc tính SigningCertificate(V2) gắn chứng thư của người ký";
    XadesSigningCertificateMismatch => "SigningCertificate does not name the certificate that verified the signature", "SigningCertificate không trỏ tới chứng thư đã dùng để xác minh chữ ký";
    XadesTimestampMalformed => "SignatureTimeStamp without a readable token or canonicalization", "SignatureTimeStamp không có token đọc được hoặc phương pháp chuẩn hóa dùng được";
    XadesTimestampNotChecked => "a SignatureTimeStamp is present but no timestamp validator was given", "có SignatureTimeStamp nhưng không có bộ kiểm tra dấu thời gian nên nó chưa được kiểm tra";
    XadesValuesNotBase64 => "{count} embedded certificate or revocation value(s) are not base64", "{count} chứng thư hoặc dữ liệu thu hồi nhúng trong chữ ký không ở dạng base64";
    EdxmlPartialCoverage => "the package signature does not cover the whole package (URI=\"\")", "chữ ký của gói tin không bao phủ toàn bộ gói tin (URI=\"\")";
    EdxmlNotXmldsig => "Signature element is in the edXML namespace, not XMLDSig: the SDK's placeholder, not a verifiable signature", "phần tử Signature thuộc không gian tên edXML, không phải XMLDSig: đây là phần giữ chỗ của bộ SDK, không phải chữ ký kiểm tra được";
    XmlErrorDuplicateId => "ID value {id} occurs on more than one element", "giá trị ID {id} xuất hiện trên nhiều phần tử (dấu hiệu tấn công bọc chữ ký)";
    XmlErrorMissingElement => "missing element {element} in {parent}", "thiếu phần tử {element} trong {parent}";
    XmlErrorMissingAttribute => "missing attribute {attribute} on {element}", "thiếu thuộc tính {attribute} trên phần tử {element}";
    XmlErrorBase64 => "invalid base64 in {element}", "giá trị base64 không hợp lệ trong {element}";
    XmlErrorUnsupportedBare => "unsupported: {feature} ()", "kyso không hỗ trợ {feature}";
    XmlErrorUnsupported => "unsupported: {feature} ({uri})", "kyso không hỗ trợ {feature} ({uri})";
    XmlErrorUnresolved => "reference {uri} resolves to {count} nodes", "tham chiếu {uri} trỏ tới {count} nút (phải đúng một nút)";
    XmlErrorCrypto => "invalid certificate or key: {detail}", "chứng thư hoặc khóa không hợp lệ: {detail}";
    XmlErrorBadSignatureValue => "malformed signature value: {reason}", "giá trị chữ ký sai cấu trúc: {reason}";
    XmlErrorExternal => "reference {uri} is not available: {reason}", "không có dữ liệu của tham chiếu {uri}: {reason}";
    XmlErrorTooLarge => "document is {size} bytes, above the limit of {limit}", "văn bản có {size} byte, vượt giới hạn {limit} byte";
    XmlErrorNotUtf8 => "document is not UTF-8 at byte {offset}", "văn bản không phải UTF-8 tại byte {offset}";
    XmlErrorDoctype => "document type declarations (DOCTYPE) are refused", "không chấp nhận khai báo kiểu văn bản (DOCTYPE)";
    XmlErrorMalformed => "malformed XML: {detail}", "XML sai cấu trúc: {detail}";
    XmlErrorTooDeep => "elements nest deeper than {limit}", "các phần tử lồng nhau sâu quá {limit} cấp";
    XmlErrorAttributeTooLong => "attribute {name} is {len} bytes, above the limit of {limit}", "thuộc tính {name} dài {len} byte, vượt giới hạn {limit} byte";
    XmlFeatureUnknownAlgorithm => "unknown algorithm", "thuật toán không xác định";
    XmlFeatureNoUri => "Reference without URI", "tham chiếu không có URI";
    XmlFeatureNodeSetOnOctets => "node-set transform applied to octets", "phép biến đổi tập nút áp dụng lên dữ liệu dạng byte";
    XmlFeatureEcCurve => "EC curve", "đường cong EC";
    XmlFeatureExternalUri => "external-URI", "URI bên ngoài văn bản";
    XmlFeatureEcdsaDer => "ECDSA-DER-SignatureValue", "SignatureValue ECDSA dạng DER";
    XmlBadValueEcdsaHalves => "ECDSA value is not two equal halves", "giá trị ECDSA không gồm hai nửa bằng nhau";
    XmlBadValuePssSalt => "PSS salt length out of range", "độ dài salt PSS nằm ngoài khoảng cho phép";
    ProblemPageTree => "the page tree changes (pages added, removed or moved)", "cây trang thay đổi (thêm, xóa hoặc di chuyển trang)";
    ProblemContent => "changes what the document shows (content, resources or other structure)", "thay đổi những gì tài liệu hiển thị (nội dung, tài nguyên hoặc cấu trúc khác)";
    ProblemFieldValue => "the value of a filled field or a signature dictionary changes", "giá trị của một trường đã điền hoặc của một từ điển chữ ký bị thay đổi";
    ProblemFilledReplaced => "a filled field's value is replaced", "giá trị của một trường đã điền bị thay thế";
    ProblemFormRemoved => "the interactive form is removed", "biểu mẫu tương tác bị xóa";
    ProblemFieldsRemoved => "form fields are removed", "các trường biểu mẫu bị xóa";
    ProblemAnnotationsRemoved => "annotations are removed from a page", "các chú thích bị xóa khỏi một trang";
    ProblemFieldAdded => "a form field other than a signature field is added (object {num})", "một trường biểu mẫu không phải trường chữ ký được thêm vào (đối tượng {num})";
    RevokedUnspecified => "Unspecified", "không nêu lý do";
    RevokedKeyCompromise => "KeyCompromise", "lộ khóa bí mật";
    RevokedCaCompromise => "CaCompromise", "CA bị lộ khóa";
    RevokedAffiliationChanged => "AffiliationChanged", "thay đổi đơn vị công tác";
    RevokedSuperseded => "Superseded", "đã được thay thế";
    RevokedCessation => "CessationOfOperation", "ngừng hoạt động";
    RevokedHold => "CertificateHold", "tạm dừng";
    RevokedPrivilegeWithdrawn => "PrivilegeWithdrawn", "bị rút quyền";
    // kyso chain validate: verdicts
    ChainValid => "Certificate chain valid", "Chuỗi chứng thư số hợp lệ";
    ChainInvalid => "Certificate chain not valid", "Chuỗi chứng thư số không hợp lệ";
    PathHeading => "Path (leaf first):", "Đường dẫn chứng thực (chứng thư ký trước):";
    WarningLabel => "warning", "cảnh báo";
    // kyso chain validate: reasons (one per kyso_chain::ChainError variant)
    ReasonMalformed => "The certificate is malformed: {detail}", "Chứng thư số bị lỗi định dạng: {detail}";
    ReasonUnknownIssuer => "The certificate is not trusted: no path to a trust anchor from {subject}", "Chứng thư số không tin cậy: không xây dựng được đường dẫn tới chứng thư gốc từ {subject}";
    ReasonExpired => "The certificate has expired: {subject} (valid until {not_after})", "Chứng thư số đã hết hạn sử dụng: {subject} (hết hạn lúc {not_after})";
    ReasonNotYetValid => "The certificate is not yet valid: {subject} (valid from {not_before})", "Chứng thư số chưa có hiệu lực: {subject} (có hiệu lực từ {not_before})";
    ReasonBadSignature => "The issuer's signature on the certificate is invalid: {subject}", "Chữ ký của tổ chức cấp trên chứng thư số không hợp lệ: {subject}";
    ReasonUnsupportedAlgorithm => "Unsupported or refused algorithm {oid} in {subject}", "Thuật toán {oid} không được hỗ trợ hoặc bị từ chối trong {subject}";
    ReasonKeyTooWeak => "The key of {subject} is too weak ({bits} bits)", "Khóa của {subject} quá yếu ({bits} bit)";
    ReasonSha1Rejected => "SHA-1 signature on {subject} is not accepted", "Chữ ký SHA-1 trên {subject} không được chấp nhận";
    ReasonNotACa => "The issuer {subject} is not a certification authority", "Tổ chức cấp {subject} không phải là tổ chức chứng thực";
    ReasonPathLenExceeded => "The path length limit set by {subject} is exceeded", "Vượt quá giới hạn độ dài đường dẫn do {subject} đặt ra";
    ReasonMaxDepthExceeded => "The path has more than {max_depth} intermediate CAs", "Đường dẫn có nhiều hơn {max_depth} tổ chức chứng thực trung gian";
    ReasonMissingKeyUsage => "The certificate {subject} does not allow {usage}", "Chứng thư số {subject} không cho phép mục đích sử dụng khóa {usage}";
    ReasonEkuNotAllowed => "The certificate {subject} is not issued for this purpose", "Chứng thư số {subject} không được cấp cho mục đích này";
    ReasonNameConstraint => "The name {name} of {subject} is outside what its CA may certify", "Tên {name} của {subject} nằm ngoài phạm vi tổ chức cấp được phép chứng thực";
    ReasonUnknownCriticalExtension => "The certificate {subject} has an unknown critical extension {oid}", "Chứng thư số {subject} có phần mở rộng bắt buộc không xác định {oid}";
    ReasonPolicyViolation => "No acceptable certificate policy for {subject}", "Không có chính sách chứng thư số hợp lệ cho {subject}";
    ReasonRevoked => "The certificate has been revoked: {subject} (at {at}, reason {reason})", "Chứng thư số đã bị thu hồi: {subject} (lúc {at}, lý do {reason})";
    ReasonRevocationUnknown => "The revocation status of {subject} cannot be determined: {why}", "Không xác định được trạng thái thu hồi của chứng thư số {subject}: {why}";
    ReasonBudgetExceeded => "The certificates are too complex to validate (possible attack)", "Các chứng thư số quá phức tạp để kiểm tra (có thể là tấn công)";
    ReasonOther => "The chain is not valid: {detail}", "Đường dẫn chứng thực không hợp lệ: {detail}";
    // kyso chain validate: why a revocation status is unknown (kyso_chain::RevocationProblem)
    RevNoEvidence => "no CRL or OCSP response covers the certificate", "không có CRL hay phản hồi OCSP nào cho chứng thư số này";
    RevCrlSignature => "the CRL's signature does not verify with the issuer's key", "chữ ký trên CRL không khớp với khóa của tổ chức cấp";
    RevCrlIssuerNotAllowed => "the CRL issuer may not sign CRLs (no cRLSign key usage)", "tổ chức cấp không được phép ký CRL (thiếu cRLSign)";
    RevCrlUnknownCriticalExtension => "the CRL has an unknown critical extension", "CRL có phần mở rộng bắt buộc không xác định";
    RevCrlStale => "the CRL had expired at the validation time", "CRL đã hết hạn tại thời điểm kiểm tra";
    RevCrlAfterExpiry => "the CRL was issued after the certificate expired", "CRL được phát hành sau khi chứng thư số hết hạn";
    RevOcspStale => "the OCSP response had expired at the validation time", "phản hồi OCSP đã hết hạn tại thời điểm kiểm tra";
    RevOcspUnknownCertificate => "the OCSP responder does not know the certificate", "máy chủ OCSP không biết chứng thư số này";
    RevOcspSignature => "the OCSP response's signature is invalid", "chữ ký trên phản hồi OCSP không hợp lệ";
    RevOcspUnauthorisedResponder => "the OCSP response is not signed by the CA or its delegated responder", "phản hồi OCSP không được ký bởi tổ chức cấp hoặc máy chủ OCSP được ủy quyền";
    RevOcspUnreachable => "the OCSP responder did not answer", "máy chủ OCSP không phản hồi";
    RevOcspUnusable => "the OCSP responder sent an unusable response", "máy chủ OCSP trả về phản hồi không dùng được";
    RevCrlUnreachable => "the CRL distribution point did not answer", "điểm phân phối CRL không phản hồi";
    RevCrlUnusable => "the fetched CRL is malformed or does not cover the certificate", "CRL tải về bị lỗi hoặc không áp dụng cho chứng thư số này";
    // kyso chain validate: warnings
    WarnSha1Accepted => "SHA-1 signature accepted on {subject} (allowed for old archives only)", "Chấp nhận chữ ký SHA-1 trên {subject} (chỉ dành cho tài liệu lưu trữ cũ)";
    WarnRevocationUnknown => "revocation status of {subject} unknown ({why}); accepted in soft-fail mode", "không xác định được trạng thái thu hồi của {subject} ({why}); vẫn chấp nhận ở chế độ soft-fail";
    WarnSkippedInput => "ignored {path}: {detail}", "bỏ qua {path}: {detail}";
    // kyso trust
    TrustInstalled => "installed {slug} ({subject})", "đã cài đặt {slug} ({subject})";
    TrustAlreadyInstalled => "already installed: {slug} ({subject})", "đã có sẵn: {slug} ({subject})";
    TrustUnpinnedInstalled => "WARNING: installed a certificate the manifest does NOT pin, as a trust anchor: {subject} (SHA-256 {fingerprint}) -> {file}", "CẢNH BÁO: đã cài đặt làm chứng thư gốc tin cậy một chứng thư số KHÔNG có trong danh mục ghim: {subject} (SHA-256 {fingerprint}) -> {file}";
    TrustNotPinned => "refused (not pinned by the manifest; use --allow-unpinned to force): {subject} (SHA-256 {fingerprint})", "từ chối (không có trong danh mục ghim; dùng --allow-unpinned để ép cài): {subject} (SHA-256 {fingerprint})";
    TrustSummary => "{installed} installed, {already} already present, {refused} refused; trust directory: {dir}", "{installed} đã cài, {already} đã có, {refused} bị từ chối; thư mục tin cậy: {dir}";
    TrustListInstalled => "Installed:", "Đã cài đặt:";
    TrustListMissing => "Pinned by the manifest but not installed:", "Có trong danh mục ghim nhưng chưa cài đặt:";
    TrustListNone => "(none)", "(không có)";
    TrustUnpinnedTag => "UNPINNED", "KHÔNG GHIM";
    TrustExpiredTag => "expired", "hết hạn";
    TrustValidUntil => "valid until {date}", "có hiệu lực đến {date}";
    // kyso sign: result lines
    SignSigned => "signed {input} -> {output} (field {field})", "đã ký {input} -> {output} (trường chữ ký {field})";
    SignFailed => "error: {input}: {detail}", "lỗi: {input}: {detail}";
    SignFolderUnreadable => "{path}: cannot list folder", "{path}: không liệt kê được thư mục";
    SignNoInputs => "no PDF files found in the given paths", "không tìm thấy tệp PDF nào trong các đường dẫn đã cho";
    SignOutputOneInput => "-o/--output takes one input; use --out-dir for {count} inputs", "-o/--output chỉ dùng cho một tệp đầu vào; hãy dùng --out-dir cho {count} tệp";
    SignNoFileName => "input has no file name", "tệp đầu vào không có tên";
    SignOutDirUncreatable => "{path}: cannot create output folder", "{path}: không tạo được thư mục đầu ra";
    SignSameTarget => "two inputs would be written to {path}", "hai tệp đầu vào sẽ cùng được ghi vào {path}";
    SignOverInput => "{path}: refusing to write the output over the input", "{path}: từ chối ghi kết quả đè lên tệp đầu vào";
    SignUnknownFormat => "not a PDF or XML document", "không phải văn bản PDF hay XML";
    SignDetachedNeedsFile => "--detached signs a named file: the signature references it by its path (standard input has none)", "--detached ký một tệp có tên: chữ ký tham chiếu tới tệp theo đường dẫn của nó (đầu vào chuẩn không có đường dẫn)";
    SignDetachedNoPath => "{path}: cannot resolve the path for the detached signature's reference", "{path}: không xác định được đường dẫn để chữ ký tách rời tham chiếu tới";
    SignDetachedNotUtf8 => "{path}: the path is not UTF-8, so the detached signature's reference cannot name it", "{path}: đường dẫn không phải UTF-8 nên chữ ký tách rời không tham chiếu tới được";
    SignDetachedOutside => "warning: the detached signature references {uri}, outside its own folder: verifying it will need --allow-external", "cảnh báo: chữ ký tách rời tham chiếu tới {uri}, nằm ngoài thư mục chứa chữ ký: khi kiểm tra sẽ cần dùng --allow-external";
    SignXmlLtvCertificate => "a certificate of the XML signature", "một chứng thư số trong chữ ký XML";
    SignXmlLtvTimestamp => "the XML signature's time-stamp", "dấu thời gian của chữ ký XML";
    SignXmlLtvNeedsTsa => "--ltv for an XML signature needs --tsa (XAdES B-LT builds on a signature time-stamp)", "--ltv cho chữ ký XML cần có --tsa (XAdES B-LT dựa trên dấu thời gian của chữ ký)";
    // kyso sign --profile: placing the signature (approve, issue, attach, copy)
    ProfileAnchorNotFound => "the text \"{anchor}\" is not on {pages}; nothing was signed (check the text, or place the image with --page and --rect)", "không tìm thấy dòng chữ \"{anchor}\" trên {pages}; chưa ký (kiểm tra lại dòng chữ, hoặc chỉ định vị trí bằng --page và --rect)";
    ProfileAnchorNoText => "{pages} has no text layer (a scan?), so --anchor cannot find \"{anchor}\"; place the image with --page and --rect", "{pages} không có lớp chữ (bản quét?) nên --anchor không tìm được \"{anchor}\"; hãy chỉ định vị trí bằng --page và --rect";
    ProfileAnyPage => "any page of the document", "bất kỳ trang nào của văn bản";
    ProfilePage => "page {page}", "trang {page}";
    ProfileApproveNeedsImage => "--profile approve needs --image with the leader's signature (blue PNG, transparent)", "--profile approve cần --image là ảnh chữ ký của lãnh đạo (PNG màu xanh, nền trong suốt)";
    ProfileIssueNeedsImage => "--profile issue needs --image with the agency's seal (red PNG, transparent)", "--profile issue cần --image là ảnh con dấu của cơ quan (PNG màu đỏ, nền trong suốt)";
    ProfileApproveNeedsPlace => "--profile approve needs --anchor TEXT (the signer's printed name), --page with --rect, or --field NAME", "--profile approve cần --anchor TEXT (họ tên người ký in trên văn bản), --page kèm --rect, hoặc --field NAME";
    ProfileNoApproveSignature => "no earlier signature with a visible image was found to put the seal on: sign with --profile approve first, or place the seal with --page and --rect", "không tìm thấy chữ ký có hình ảnh trước đó để đóng dấu lên: hãy ký --profile approve trước, hoặc chỉ định vị trí dấu bằng --page và --rect";
    ProfileSealSizeUnknown => "the seal's true size is unknown (the PNG states no DPI): pass --seal-mm, e.g. --seal-mm 36", "không biết kích thước thật của con dấu (tệp PNG không ghi DPI): hãy dùng --seal-mm, ví dụ --seal-mm 36";
    ProfileSealSizeInvalid => "--seal-mm {mm}: a seal is between 10 and 100 mm wide", "--seal-mm {mm}: con dấu rộng từ 10 đến 100 mm";
    ProfileAttachNeedsNumber => "--profile attach needs --doc-number (the number and symbol of the document, e.g. 1247/QĐ-UBND)", "--profile attach cần --doc-number (số và ký hiệu văn bản, ví dụ 1247/QĐ-UBND)";
    ProfileCopyNoAgency => "the certificate names no agency (no O or OU): pass --agency NAME", "chứng thư số không ghi tên cơ quan (không có O hay OU): hãy dùng --agency NAME";
    ProfileRotatedPage => "page 1 is rotated ({degrees} degrees): place the corner stamp with --page and --rect", "trang 1 bị xoay ({degrees} độ): hãy chỉ định vị trí dấu góc bằng --page và --rect";
    ProfileStampFontMissing => "no Times New Roman-compatible font found (install fonts-liberation2), or pass --font FILE.ttf", "không tìm thấy phông chữ tương thích Times New Roman (cài fonts-liberation2), hoặc dùng --font FILE.ttf";
    ProfileOptionNeedsProfile => "{option} is used only with --profile {profile}", "{option} chỉ dùng với --profile {profile}";
    PatternUnknownField => "{run} is not a field (dd MM yyyy yy HH mm ss zzz; 'text' is kept as is)", "{run} không phải là trường (dd MM yyyy yy HH mm ss zzz; 'chữ' trong dấu nháy đơn được giữ nguyên)";
    PatternUnclosedQuote => "unclosed ' in the pattern", "mẫu có dấu ' chưa đóng";
    PatternNoOffset => "the pattern must print the offset (zzz, as +07:00)", "mẫu phải in độ lệch múi giờ (zzz, dạng +07:00)";
    ProfileTimeFormatInvalid => "--time-format \"{pattern}\": {detail}", "--time-format \"{pattern}\": {detail}";
    ProfileRoleMismatch => "warning: --profile {profile} is for {expected} certificates, but {subject} looks like {actual}", "cảnh báo: --profile {profile} dành cho chứng thư số {expected}, nhưng {subject} có vẻ là chứng thư số {actual}";
    ProfileHolderPersonal => "personal", "cá nhân";
    ProfileHolderOrganization => "organization", "tổ chức";
    ProfileRectInvalid => "--rect {rect}: expected four numbers x1,y1,x2,y2 with x2 > x1 and y2 > y1", "--rect {rect}: cần bốn số x1,y1,x2,y2 với x2 > x1 và y2 > y1";
    ProfileFieldMissing => "the document has no signature field \"{name}\": give --anchor, or --page and --rect, to place a new one", "văn bản không có trường chữ ký \"{name}\": hãy dùng --anchor, hoặc --page và --rect, để đặt trường mới";
    ProfileTextGiven => "--text is not used with --profile: the role decides what the signature shows", "không dùng --text cùng --profile: nội dung hiển thị do vai trò ký quyết định";
    ProfileOptionNeedsValue => "{option} needs {value}", "{option} cần đi kèm {value}";
    ProfileDocDateInvalid => "--doc-date \"{date}\" is not a date: write it as 2026-03-06 or 06/03/2026", "--doc-date \"{date}\" không phải là ngày: hãy viết dạng 2026-03-06 hoặc 06/03/2026";
    ProfileTextFieldMissing => "the document has no text field \"{name}\" (its text fields: {fields})", "văn bản không có trường văn bản \"{name}\" (các trường văn bản hiện có: {fields})";
    ProfileTextFieldAmbiguous => "several text fields could hold the {what}: {fields}; name one with {option}", "có nhiều trường văn bản có thể chứa {what}: {fields}; hãy chỉ định một trường bằng {option}";
    ProfileWhatNumber => "document number", "số văn bản";
    ProfileWhatDate => "date", "ngày ban hành";
    ProfileNumberBlankMissing => "no blank for the number after \"Số:\" on page 1 (a \"Số:\" followed by empty space): nothing printed", "không tìm thấy chỗ trống sau \"Số:\" ở trang 1 để điền số văn bản: không điền gì";
    ProfileDateBlankMissing => "no blanks for the date after \"ngày\" and \"tháng\" on page 1 (\"ngày … tháng … năm\" with empty space): nothing printed", "không tìm thấy chỗ trống sau \"ngày\" và \"tháng\" ở trang 1 (\"ngày … tháng … năm\" để trống) để điền ngày ban hành: không điền gì";
    ProfileBlankAmbiguous => "page 1 has {count} blanks for the {what}: nothing printed rather than guessing which one", "trang 1 có {count} chỗ trống cho {what}: không điền gì để tránh điền nhầm chỗ";
    ProfileSymbolMismatch => "the template prints \"{printed}\" after the number's blank, but --doc-number is \"{number}\"", "mẫu văn bản in sẵn \"{printed}\" sau chỗ trống của số, nhưng --doc-number là \"{number}\"";
    ProfileYearMismatch => "the template prints the year {printed}, but --doc-date is {date}", "mẫu văn bản in sẵn năm {printed}, nhưng --doc-date là {date}";
    ProfileBlankTooNarrow => "the blank after \"{word}\" is {width} pt wide, too narrow for \"{text}\"", "chỗ trống sau \"{word}\" chỉ rộng {width} pt, không đủ chỗ cho \"{text}\"";
    ProfileBlanksNeedNewField => "--fill-blanks prints with the new issue signature: it cannot go with --field naming an existing signature field", "--fill-blanks điền số và ngày cùng chữ ký ban hành mới: không dùng cùng --field chỉ định trường chữ ký có sẵn";
    ProfileFillFontMissing => "Liberation Serif ({style}) is not installed (install fonts-liberation2): it prints the number and date", "chưa cài phông Liberation Serif ({style}) (cài fonts-liberation2) để điền số và ngày văn bản";
    ProfilePageNeedsRect => "--page needs --rect here (only approve with --anchor searches a page)", "--page cần đi kèm --rect (chỉ approve với --anchor mới tìm trên một trang)";
    ProfileReasonApprove => "Approved", "Phê duyệt";
    ProfileReasonIssue => "Issued", "Ban hành";
    ProfileReasonAttach => "Attachment", "Tài liệu kèm theo";
    ProfileReasonCopy => "Copy", "Bản sao";
    ProfileReasonNumber => "document {number}", "văn bản số {number}";
    ProfileReasonDate => "dated {date}", "ngày {date}";
    // kyso sign: library errors a clerk meets (kyso_pdf::Error, kyso_keys::Error)
    PdfNotPdf => "not a PDF file (no %PDF- header)", "không phải tệp PDF (thiếu phần đầu %PDF-)";
    PdfEncrypted => "the document is encrypted; kyso does not sign encrypted documents", "văn bản đã được mã hóa; kyso không ký văn bản mã hóa";
    PdfTruncated => "the file ends early (truncated? no startxref)", "tệp bị cắt cụt (không có startxref ở cuối tệp)";
    PdfPageMissing => "page {page} does not exist (the document has {pages} pages)", "trang {page} không tồn tại (văn bản có {pages} trang)";
    PdfFieldNotFound => "no form field named \"{name}\"", "không có trường biểu mẫu tên \"{name}\"";
    PdfNotASignatureField => "form field \"{name}\" is not a signature field", "trường \"{name}\" không phải trường chữ ký";
    PdfFieldAlreadySigned => "signature field \"{name}\" is already signed", "trường chữ ký \"{name}\" đã được ký";
    PdfRefused => "signing refused: {detail}", "từ chối ký: {detail}";
    PdfAppearance => "cannot draw the visible signature: {detail}", "không tạo được hình thức hiển thị của chữ ký: {detail}";
    PdfUnreadable => "cannot read the input: {detail}", "không đọc được tệp đầu vào: {detail}";
    PdfMalformed => "the PDF is damaged: {detail}", "tệp PDF bị lỗi cấu trúc: {detail}";
    KeysNoToken => "no token found (is the USB token plugged in?)", "không tìm thấy token (USB token đã được cắm chưa?)";
    KeysWrongPin => "wrong PIN for token {token}{tries}; kyso never retries a PIN", "Sai mã PIN của token {token}{tries}; kyso không tự thử lại mã PIN";
    KeysPinCountLow => " (few tries left before the token locks)", " (chỉ còn ít lần thử trước khi token bị khóa)";
    KeysPinFinalTry => " (FINAL TRY: one more wrong PIN locks the token)", " (LẦN THỬ CUỐI: nhập sai thêm một lần token sẽ bị khóa)";
    KeysPinNowLocked => " (the PIN is now LOCKED)", " (mã PIN đã BỊ KHÓA)";
    KeysPinLocked => "the PIN of token {token} is locked after too many wrong PINs; unlock it with the vendor's tool", "mã PIN của token {token} đã bị khóa do nhập sai nhiều lần; hãy mở khóa bằng công cụ của nhà cung cấp";
    KeysPinRequired => "token {token} needs a PIN (--pin-env, --pin-file or --pin-stdin)", "token {token} cần mã PIN (--pin-env, --pin-file hoặc --pin-stdin)";
    KeysModuleNotFound => "PKCS#11 module {path} not found", "không tìm thấy thư viện PKCS#11 {path}";
    KeysModuleArchitecture => "PKCS#11 module {path} is a {module} library but kyso is a {process} program: install the vendor's {process} module", "thư viện PKCS#11 {path} là bản {module} nhưng kyso là chương trình {process}: hãy cài bản {process} của nhà cung cấp";
    KeysPasswordRequired => "the private key is encrypted: a password is needed (--pass-env or --pass-file)", "khóa bí mật đã được mã hóa: cần mật khẩu (--pass-env hoặc --pass-file)";
    KeysWrongPassword => "wrong password for the key file", "sai mật khẩu của tệp khóa";
    KeysOther => "key or token error: {detail}", "lỗi khóa hoặc token: {detail}";
    // kyso sign --as / --config: the configuration file
    ConfigUnreadable => "{path}: cannot read the configuration file", "{path}: không đọc được tệp cấu hình";
    ConfigInvalid => "{path}: not a valid configuration: {detail}", "{path}: tệp cấu hình không hợp lệ: {detail}";
    ConfigSetupUnknown => "no setup named \"{name}\" in {files} (known: {known})", "không có cấu hình \"{name}\" trong {files} (hiện có: {known})";
    ConfigNoFile => "--as {name}: no configuration file (looked for {files})", "--as {name}: không có tệp cấu hình (đã tìm {files})";
    ConfigBadValue => "setup \"{name}\": {key} = \"{value}\" is not one of {choices}", "cấu hình \"{name}\": {key} = \"{value}\" không thuộc {choices}";
    // kyso verify --expect issued: the signing roles of an issued document (Decree 30/2020)
    ExpectNoApproval => "not an issued document: no signature by a personal certificate (the leader's approval)", "chưa phải văn bản ban hành: không có chữ ký của chứng thư số cá nhân (người có thẩm quyền ký duyệt)";
    ExpectNoIssue => "not an issued document: no signature by an organization certificate (the agency's issue)", "chưa phải văn bản ban hành: không có chữ ký của chứng thư số tổ chức (cơ quan ban hành)";
    ExpectIssueBeforeApproval => "not an issued document: the agency signed before the leader", "chưa phải văn bản ban hành: cơ quan ký trước người có thẩm quyền";
    ExpectProblemLabel => "not as expected", "không đúng yêu cầu";
}

/// The language of this run, set once by `main` after parsing the command line.
static PROCESS_LANG: OnceLock<Lang> = OnceLock::new();

/// Sets the language of this run (the first call wins).
pub(crate) fn set_lang(lang: Lang) {
    let _ = PROCESS_LANG.set(lang);
}

/// The language of this run (English until `main` has set it).
pub(crate) fn lang() -> Lang {
    PROCESS_LANG.get().copied().unwrap_or(Lang::En)
}

/// The text of `key` in the language of this run. For code that has no `lang` at hand (deep
/// helpers of the commands); where a `lang` is passed down, use [`text`].
pub(crate) fn tr(key: Key) -> &'static str {
    text(key, lang())
}

/// [`format`] in the language of this run.
pub(crate) fn tr_with(key: Key, args: &[(&str, &str)]) -> String {
    format(key, lang(), args)
}

/// [`tr_with`] for the many messages whose only placeholder is `{path}`.
pub(crate) fn tr_path(key: Key, path: &std::path::Path) -> String {
    tr_with(key, &[("path", &path.display().to_string())])
}

/// The display text, in the language of this run, of a status or kind code that kyso also
/// writes as is in its JSON output; codes without a row are shown as they are.
pub(crate) fn term(code: &str) -> &str {
    let key = match code {
        "document timestamp" => Key::TermDocumentTimestamp,
        "detached" => Key::TermDetached,
        "up-to-date" => Key::TermUpToDate,
        "would-renew" => Key::TermWouldRenew,
        "ltv" => Key::TermLtv,
        "renewed" => Key::TermRenewed,
        "archived" => Key::TermArchived,
        _ => return code,
    };
    tr(key)
}

/// An I/O error in `lang`: the catalogue's words for the common reasons (the system's own
/// words in English, so English output is unchanged), else the error as the system words it.
pub(crate) fn io_error(err: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind as K;
    let key = match err.kind() {
        K::NotFound => Key::IoNotFound,
        K::PermissionDenied => Key::IoPermissionDenied,
        K::AlreadyExists => Key::IoAlreadyExists,
        K::IsADirectory => Key::IoIsADirectory,
        K::NotADirectory => Key::IoNotADirectory,
        K::StorageFull => Key::IoStorageFull,
        K::ReadOnlyFilesystem => Key::IoReadOnly,
        _ => return err.to_string(),
    };
    match lang {
        // The system's Display adds "(os error N)"; keep it as is.
        Lang::En => err.to_string(),
        Lang::Vi => text(key, lang).to_owned(),
    }
}

/// The error and its causes as one line, in `lang`: English is anyhow's own `{:#}`; in
/// Vietnamese the library conditions a clerk meets (`kyso_pdf::Error`, `kyso_keys::Error`) and
/// the common I/O reasons are catalogue rows, other causes keep their (technical) words.
pub(crate) fn error_chain(err: &anyhow::Error, lang: Lang) -> String {
    if lang == Lang::En {
        return format!("{err:#}");
    }
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let pdf = cause.downcast_ref::<kyso_pdf::Error>();
        let keys = cause.downcast_ref::<kyso_keys::Error>();
        let text = if let Some(pdf) = pdf {
            pdf_error(pdf, lang)
        } else if let Some(keys) = keys {
            keys_error(keys, lang)
        } else if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            io_error(io, lang)
        } else if let Some(var) = cause.downcast_ref::<std::env::VarError>() {
            let key = match var {
                std::env::VarError::NotPresent => Key::EnvVarNotSet,
                std::env::VarError::NotUnicode(_) => Key::EnvVarNotUnicode,
            };
            text(key, lang).to_owned()
        } else {
            cause.to_string()
        };
        // A library error's Display often repeats its source; keep each text once.
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        if pdf.is_some() || keys.is_some() {
            // The mapped text already says what the sources would.
            break;
        }
    }
    parts.join(": ")
}

fn pdf_error(err: &kyso_pdf::Error, lang: Lang) -> String {
    use kyso_pdf::Error as E;
    let detail = err.to_string();
    match err {
        E::NotPdf => text(Key::PdfNotPdf, lang).to_owned(),
        E::Encrypted => text(Key::PdfEncrypted, lang).to_owned(),
        E::StartXrefNotFound => text(Key::PdfTruncated, lang).to_owned(),
        E::PageOutOfRange { index, count } => format(
            Key::PdfPageMissing,
            lang,
            &[
                ("page", &index.saturating_add(1).to_string()),
                ("pages", &count.to_string()),
            ],
        ),
        E::FieldNotFound(name) => format(Key::PdfFieldNotFound, lang, &[("name", name)]),
        E::NotASignatureField(name) => format(Key::PdfNotASignatureField, lang, &[("name", name)]),
        E::FieldAlreadySigned(name) => format(Key::PdfFieldAlreadySigned, lang, &[("name", name)]),
        E::InvalidRequest(why) => format(Key::PdfRefused, lang, &[("detail", why)]),
        E::Appearance(inner) => format(Key::PdfAppearance, lang, &[("detail", &inner.to_string())]),
        E::Io(inner) => format(Key::PdfUnreadable, lang, &[("detail", &inner.to_string())]),
        _ => format(Key::PdfMalformed, lang, &[("detail", &detail)]),
    }
}

fn keys_error(err: &kyso_keys::Error, lang: Lang) -> String {
    use kyso_keys::Error as E;
    match err {
        E::NoToken => text(Key::KeysNoToken, lang).to_owned(),
        E::WrongPin { token, tries } => {
            let tries = if tries.locked {
                text(Key::KeysPinNowLocked, lang)
            } else if tries.final_try {
                text(Key::KeysPinFinalTry, lang)
            } else if tries.count_low {
                text(Key::KeysPinCountLow, lang)
            } else {
                ""
            };
            format(
                Key::KeysWrongPin,
                lang,
                &[("token", token), ("tries", tries)],
            )
        }
        E::PinLocked { token } => format(Key::KeysPinLocked, lang, &[("token", token)]),
        E::PinRequired { token } => format(Key::KeysPinRequired, lang, &[("token", token)]),
        E::ModuleNotFound { path } => format(
            Key::KeysModuleNotFound,
            lang,
            &[("path", &path.display().to_string())],
        ),
        E::ModuleWrongArchitecture {
            path,
            module,
            process,
        } => format(
            Key::KeysModuleArchitecture,
            lang,
            &[
                ("path", &path.display().to_string()),
                ("module", module),
                ("process", process),
            ],
        ),
        E::PasswordRequired => text(Key::KeysPasswordRequired, lang).to_owned(),
        E::WrongPassword { .. } => text(Key::KeysWrongPassword, lang).to_owned(),
        other => format(Key::KeysOther, lang, &[("detail", &other.to_string())]),
    }
}

/// The text of `key` in `lang`, placeholders unfilled.
pub(crate) fn text(key: Key, lang: Lang) -> &'static str {
    let (en, vi) = key.texts();
    match lang {
        Lang::En => en,
        Lang::Vi => vi,
    }
}

/// The text of `key` in `lang` with each `{name}` replaced by its value.
pub(crate) fn format(key: Key, lang: Lang, args: &[(&str, &str)]) -> String {
    let mut out = text(key, lang).to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<String> {
        let mut names: Vec<String> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_key_has_both_languages() {
        for key in Key::ALL {
            assert!(
                !text(*key, Lang::En).trim().is_empty(),
                "{key:?} lacks English"
            );
            assert!(
                !text(*key, Lang::Vi).trim().is_empty(),
                "{key:?} lacks Vietnamese"
            );
        }
    }

    #[test]
    fn both_languages_use_the_same_placeholders() {
        for key in Key::ALL {
            assert_eq!(
                placeholders(text(*key, Lang::En)),
                placeholders(text(*key, Lang::Vi)),
                "{key:?}"
            );
        }
    }

    #[test]
    fn format_fills_placeholders_and_leaves_no_braces() {
        let s = format(
            Key::ReasonExpired,
            Lang::Vi,
            &[("subject", "CN=A"), ("not_after", "2020")],
        );
        assert!(s.starts_with("Chứng thư số đã hết hạn sử dụng"));
        assert!(!s.contains('{'));
    }

    #[test]
    fn vietnamese_is_not_a_copy_of_the_english() {
        // Texts that are the same in both languages on purpose: a loanword, and a frame of
        // an option name around a detail.
        const SAME: &[Key] = &[Key::TokenToken, Key::ProfileTimeFormatInvalid];
        let copied: Vec<&Key> = Key::ALL
            .iter()
            .filter(|key| !SAME.contains(key))
            .filter(|key| text(**key, Lang::En) == text(**key, Lang::Vi))
            .collect();
        assert!(copied.is_empty(), "English left as Vietnamese: {copied:?}");
        for key in SAME {
            assert_eq!(text(*key, Lang::En), text(*key, Lang::Vi), "{key:?}");
        }
    }

    #[test]
    fn error_chains_name_common_system_reasons_in_vietnamese() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let err = anyhow::Error::new(io).context(format(
            Key::FileCannotRead,
            Lang::Vi,
            &[("path", "/x.pem")],
        ));
        assert_eq!(
            error_chain(&err, Lang::Vi),
            "không đọc được /x.pem: không có tệp hoặc thư mục này"
        );
        // English is anyhow's own rendering, untouched.
        assert_eq!(error_chain(&err, Lang::En), format!("{err:#}"));
        let other = std::io::Error::other("disk on fire");
        assert_eq!(io_error(&other, Lang::Vi), "disk on fire");
    }

    #[test]
    fn terms_show_json_codes_in_the_language_of_the_run() {
        // The process language is English in unit tests (main never ran).
        assert_eq!(term("document timestamp"), "document timestamp");
        assert_eq!(term("not-a-code"), "not-a-code");
        assert_eq!(
            text(Key::TermDocumentTimestamp, Lang::Vi),
            "dấu thời gian văn bản"
        );
    }

    #[test]
    fn untranslated_text_differs_from_english_for_verdicts() {
        assert_ne!(
            text(Key::ChainValid, Lang::En),
            text(Key::ChainValid, Lang::Vi)
        );
        assert_ne!(
            text(Key::ReasonUnknownIssuer, Lang::En),
            text(Key::ReasonUnknownIssuer, Lang::Vi)
        );
    }
}
