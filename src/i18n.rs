//! The message catalogue: every user-facing text in English and Vietnamese.
//!
//! One row per [`Key`] in the `messages!` table below; a row's texts may hold `{name}`
//! placeholders, filled by [`format`]. The tests at the bottom check that every key has both
//! languages and that both use the same placeholders, so adding a row is the whole job.

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
    ProfileTimeFormatInvalid => "--time-format \"{pattern}\": {detail}", "--time-format \"{pattern}\": {detail}";
    ProfileRoleMismatch => "warning: --profile {profile} is for {expected} certificates, but {subject} looks like {actual}", "cảnh báo: --profile {profile} dành cho chứng thư số {expected}, nhưng {subject} có vẻ là chứng thư số {actual}";
    ProfileHolderPersonal => "personal", "cá nhân";
    ProfileHolderOrganization => "organization", "tổ chức";
    ProfileRectInvalid => "--rect {rect}: expected four numbers x1,y1,x2,y2 with x2 > x1 and y2 > y1", "--rect {rect}: cần bốn số x1,y1,x2,y2 với x2 > x1 và y2 > y1";
    ProfileFieldMissing => "the document has no signature field \"{name}\": give --anchor, or --page and --rect, to place a new one", "văn bản không có trường chữ ký \"{name}\": hãy dùng --anchor, hoặc --page và --rect, để đặt trường mới";
    ProfileTextGiven => "--text is not used with --profile: the role decides what the signature shows", "không dùng --text cùng --profile: nội dung hiển thị do vai trò ký quyết định";
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
