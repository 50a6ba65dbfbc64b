//! The `CountryCode` and `LanguageCode` enums of the Storefront API 2026-04, value for value:
//! they are the contract that `@inContext` arguments (and later addresses) are checked against.

use async_graphql::Enum;

/// The code designating a country/region, which generally follows ISO 3166-1 alpha-2 guidelines. If a territory doesn't have a country code value in the `CountryCode` enum, then it might be considered a subdivision of another country.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Hash)]
pub enum CountryCode {
    /// Ascension Island.
    Ac,
    /// Andorra.
    Ad,
    /// United Arab Emirates.
    Ae,
    /// Afghanistan.
    Af,
    /// Antigua & Barbuda.
    Ag,
    /// Anguilla.
    Ai,
    /// Albania.
    Al,
    /// Armenia.
    Am,
    /// Netherlands Antilles.
    An,
    /// Angola.
    Ao,
    /// Argentina.
    Ar,
    /// Austria.
    At,
    /// Australia.
    Au,
    /// Aruba.
    Aw,
    /// Åland Islands.
    Ax,
    /// Azerbaijan.
    Az,
    /// Bosnia & Herzegovina.
    Ba,
    /// Barbados.
    Bb,
    /// Bangladesh.
    Bd,
    /// Belgium.
    Be,
    /// Burkina Faso.
    Bf,
    /// Bulgaria.
    Bg,
    /// Bahrain.
    Bh,
    /// Burundi.
    Bi,
    /// Benin.
    Bj,
    /// St. Barthélemy.
    Bl,
    /// Bermuda.
    Bm,
    /// Brunei.
    Bn,
    /// Bolivia.
    Bo,
    /// Caribbean Netherlands.
    Bq,
    /// Brazil.
    Br,
    /// Bahamas.
    Bs,
    /// Bhutan.
    Bt,
    /// Bouvet Island.
    Bv,
    /// Botswana.
    Bw,
    /// Belarus.
    By,
    /// Belize.
    Bz,
    /// Canada.
    Ca,
    /// Cocos (Keeling) Islands.
    Cc,
    /// Congo - Kinshasa.
    Cd,
    /// Central African Republic.
    Cf,
    /// Congo - Brazzaville.
    Cg,
    /// Switzerland.
    Ch,
    /// Côte d’Ivoire.
    Ci,
    /// Cook Islands.
    Ck,
    /// Chile.
    Cl,
    /// Cameroon.
    Cm,
    /// China.
    Cn,
    /// Colombia.
    Co,
    /// Costa Rica.
    Cr,
    /// Cuba.
    Cu,
    /// Cape Verde.
    Cv,
    /// Curaçao.
    Cw,
    /// Christmas Island.
    Cx,
    /// Cyprus.
    Cy,
    /// Czechia.
    Cz,
    /// Germany.
    De,
    /// Djibouti.
    Dj,
    /// Denmark.
    Dk,
    /// Dominica.
    Dm,
    /// Dominican Republic.
    Do,
    /// Algeria.
    Dz,
    /// Ecuador.
    Ec,
    /// Estonia.
    Ee,
    /// Egypt.
    Eg,
    /// Western Sahara.
    Eh,
    /// Eritrea.
    Er,
    /// Spain.
    Es,
    /// Ethiopia.
    Et,
    /// Finland.
    Fi,
    /// Fiji.
    Fj,
    /// Falkland Islands.
    Fk,
    /// Faroe Islands.
    Fo,
    /// France.
    Fr,
    /// Gabon.
    Ga,
    /// United Kingdom.
    Gb,
    /// Grenada.
    Gd,
    /// Georgia.
    Ge,
    /// French Guiana.
    Gf,
    /// Guernsey.
    Gg,
    /// Ghana.
    Gh,
    /// Gibraltar.
    Gi,
    /// Greenland.
    Gl,
    /// Gambia.
    Gm,
    /// Guinea.
    Gn,
    /// Guadeloupe.
    Gp,
    /// Equatorial Guinea.
    Gq,
    /// Greece.
    Gr,
    /// South Georgia & South Sandwich Islands.
    Gs,
    /// Guatemala.
    Gt,
    /// Guinea-Bissau.
    Gw,
    /// Guyana.
    Gy,
    /// Hong Kong SAR.
    Hk,
    /// Heard & McDonald Islands.
    Hm,
    /// Honduras.
    Hn,
    /// Croatia.
    Hr,
    /// Haiti.
    Ht,
    /// Hungary.
    Hu,
    /// Indonesia.
    Id,
    /// Ireland.
    Ie,
    /// Israel.
    Il,
    /// Isle of Man.
    Im,
    /// India.
    In,
    /// British Indian Ocean Territory.
    Io,
    /// Iraq.
    Iq,
    /// Iran.
    Ir,
    /// Iceland.
    Is,
    /// Italy.
    It,
    /// Jersey.
    Je,
    /// Jamaica.
    Jm,
    /// Jordan.
    Jo,
    /// Japan.
    Jp,
    /// Kenya.
    Ke,
    /// Kyrgyzstan.
    Kg,
    /// Cambodia.
    Kh,
    /// Kiribati.
    Ki,
    /// Comoros.
    Km,
    /// St. Kitts & Nevis.
    Kn,
    /// North Korea.
    Kp,
    /// South Korea.
    Kr,
    /// Kuwait.
    Kw,
    /// Cayman Islands.
    Ky,
    /// Kazakhstan.
    Kz,
    /// Laos.
    La,
    /// Lebanon.
    Lb,
    /// St. Lucia.
    Lc,
    /// Liechtenstein.
    Li,
    /// Sri Lanka.
    Lk,
    /// Liberia.
    Lr,
    /// Lesotho.
    Ls,
    /// Lithuania.
    Lt,
    /// Luxembourg.
    Lu,
    /// Latvia.
    Lv,
    /// Libya.
    Ly,
    /// Morocco.
    Ma,
    /// Monaco.
    Mc,
    /// Moldova.
    Md,
    /// Montenegro.
    Me,
    /// St. Martin.
    Mf,
    /// Madagascar.
    Mg,
    /// North Macedonia.
    Mk,
    /// Mali.
    Ml,
    /// Myanmar (Burma).
    Mm,
    /// Mongolia.
    Mn,
    /// Macao SAR.
    Mo,
    /// Martinique.
    Mq,
    /// Mauritania.
    Mr,
    /// Montserrat.
    Ms,
    /// Malta.
    Mt,
    /// Mauritius.
    Mu,
    /// Maldives.
    Mv,
    /// Malawi.
    Mw,
    /// Mexico.
    Mx,
    /// Malaysia.
    My,
    /// Mozambique.
    Mz,
    /// Namibia.
    Na,
    /// New Caledonia.
    Nc,
    /// Niger.
    Ne,
    /// Norfolk Island.
    Nf,
    /// Nigeria.
    Ng,
    /// Nicaragua.
    Ni,
    /// Netherlands.
    Nl,
    /// Norway.
    No,
    /// Nepal.
    Np,
    /// Nauru.
    Nr,
    /// Niue.
    Nu,
    /// New Zealand.
    Nz,
    /// Oman.
    Om,
    /// Panama.
    Pa,
    /// Peru.
    Pe,
    /// French Polynesia.
    Pf,
    /// Papua New Guinea.
    Pg,
    /// Philippines.
    Ph,
    /// Pakistan.
    Pk,
    /// Poland.
    Pl,
    /// St. Pierre & Miquelon.
    Pm,
    /// Pitcairn Islands.
    Pn,
    /// Palestinian Territories.
    Ps,
    /// Portugal.
    Pt,
    /// Paraguay.
    Py,
    /// Qatar.
    Qa,
    /// Réunion.
    Re,
    /// Romania.
    Ro,
    /// Serbia.
    Rs,
    /// Russia.
    Ru,
    /// Rwanda.
    Rw,
    /// Saudi Arabia.
    Sa,
    /// Solomon Islands.
    Sb,
    /// Seychelles.
    Sc,
    /// Sudan.
    Sd,
    /// Sweden.
    Se,
    /// Singapore.
    Sg,
    /// St. Helena.
    Sh,
    /// Slovenia.
    Si,
    /// Svalbard & Jan Mayen.
    Sj,
    /// Slovakia.
    Sk,
    /// Sierra Leone.
    Sl,
    /// San Marino.
    Sm,
    /// Senegal.
    Sn,
    /// Somalia.
    So,
    /// Suriname.
    Sr,
    /// South Sudan.
    Ss,
    /// São Tomé & Príncipe.
    St,
    /// El Salvador.
    Sv,
    /// Sint Maarten.
    Sx,
    /// Syria.
    Sy,
    /// Eswatini.
    Sz,
    /// Tristan da Cunha.
    Ta,
    /// Turks & Caicos Islands.
    Tc,
    /// Chad.
    Td,
    /// French Southern Territories.
    Tf,
    /// Togo.
    Tg,
    /// Thailand.
    Th,
    /// Tajikistan.
    Tj,
    /// Tokelau.
    Tk,
    /// Timor-Leste.
    Tl,
    /// Turkmenistan.
    Tm,
    /// Tunisia.
    Tn,
    /// Tonga.
    To,
    /// Türkiye.
    Tr,
    /// Trinidad & Tobago.
    Tt,
    /// Tuvalu.
    Tv,
    /// Taiwan.
    Tw,
    /// Tanzania.
    Tz,
    /// Ukraine.
    Ua,
    /// Uganda.
    Ug,
    /// U.S. Outlying Islands.
    Um,
    /// United States.
    Us,
    /// Uruguay.
    Uy,
    /// Uzbekistan.
    Uz,
    /// Vatican City.
    Va,
    /// St. Vincent & Grenadines.
    Vc,
    /// Venezuela.
    Ve,
    /// British Virgin Islands.
    Vg,
    /// Vietnam.
    Vn,
    /// Vanuatu.
    Vu,
    /// Wallis & Futuna.
    Wf,
    /// Samoa.
    Ws,
    /// Kosovo.
    Xk,
    /// Yemen.
    Ye,
    /// Mayotte.
    Yt,
    /// South Africa.
    Za,
    /// Zambia.
    Zm,
    /// Zimbabwe.
    Zw,
    /// Unknown Region.
    Zz,
}

/// Supported languages for retrieving translated storefront content. Pass a language code to the @inContext directive to return product titles, descriptions, and other translatable fields in that language.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Hash)]
pub enum LanguageCode {
    Af,
    Ak,
    Am,
    Ar,
    As,
    Az,
    Be,
    Bg,
    Bm,
    Bn,
    Bo,
    Br,
    Bs,
    Ca,
    Ce,
    Ckb,
    Cs,
    Cu,
    Cy,
    Da,
    De,
    Dz,
    Ee,
    El,
    En,
    Eo,
    Es,
    Et,
    Eu,
    Fa,
    Ff,
    Fi,
    Fil,
    Fo,
    Fr,
    Fy,
    Ga,
    Gd,
    Gl,
    Gu,
    Gv,
    Ha,
    He,
    Hi,
    Hr,
    Hu,
    Hy,
    Ia,
    Id,
    Ig,
    Ii,
    Is,
    It,
    Ja,
    Jv,
    Ka,
    Ki,
    Kk,
    Kl,
    Km,
    Kn,
    Ko,
    Ks,
    Ku,
    Kw,
    Ky,
    La,
    Lb,
    Lg,
    Ln,
    Lo,
    Lt,
    Lu,
    Lv,
    Mg,
    Mi,
    Mk,
    Ml,
    Mn,
    Mo,
    Mr,
    Ms,
    Mt,
    My,
    Nb,
    Nd,
    Ne,
    Nl,
    Nn,
    No,
    Om,
    Or,
    Os,
    Pa,
    Pl,
    Ps,
    Pt,
    PtBr,
    PtPt,
    Qu,
    Rm,
    Rn,
    Ro,
    Ru,
    Rw,
    Sa,
    Sc,
    Sd,
    Se,
    Sg,
    Sh,
    Si,
    Sk,
    Sl,
    Sn,
    So,
    Sq,
    Sr,
    Su,
    Sv,
    Sw,
    Ta,
    Te,
    Tg,
    Th,
    Ti,
    Tk,
    To,
    Tr,
    Tt,
    Ug,
    Uk,
    Ur,
    Uz,
    Vi,
    Vo,
    Wo,
    Xh,
    Yi,
    Yo,
    Zh,
    ZhCn,
    ZhTw,
    Zu,
}
